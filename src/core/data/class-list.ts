/** Class names and their order from a labelled set's own files: `classes.txt` (one per line) or Teachable Machine's `metadata.json` (`labels`). Pure. */
import { LabError } from '../errors';
import type { NamedBytes } from './bytes';

export const CLASS_LIST_FILES = ['classes.txt', 'metadata.json', 'batches.meta.txt', 'fine_label_names.txt', 'coarse_label_names.txt'] as const;

const baseOf = (path: string): string => path.split('/').pop() ?? path;

/** True for a file that names classes rather than holding images or labels. */
export function isClassListFile(path: string): boolean {
  return (CLASS_LIST_FILES as readonly string[]).includes(baseOf(path).toLowerCase());
}

/** Lines of a class-names text file (blank lines ignored, whitespace trimmed); refuses duplicates. */
export function parseClassLines(file: NamedBytes): string[] {
  const names = new TextDecoder().decode(file.bytes).split(/\r?\n/).map((l) => l.trim()).filter((l) => l.length > 0);
  return checkNames(names, file.name, 'lines');
}

/** The `labels` list of a Teachable Machine metadata.json. */
export function parseMetadataLabels(file: NamedBytes): string[] {
  const fix = 'Use the metadata.json Teachable Machine exported, or a classes.txt with one class name per line.';
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(file.bytes));
  } catch (err) {
    throw new LabError(`${file.name} is not valid JSON (${(err as Error).message}).`, { file: file.name, field: '(file)', fix });
  }
  const labels = (json as { labels?: unknown } | null)?.labels;
  if (!Array.isArray(labels) || !labels.every((l) => typeof l === 'string')) throw new LabError(`${file.name} has no "labels" list of class names.`, { file: file.name, field: 'labels', fix });
  return checkNames(labels as string[], file.name, 'labels');
}

function checkNames(names: string[], file: string, field: string): string[] {
  if (names.length === 0) throw new LabError(`${file} names no classes.`, { file, field, fix: 'List one class name per line, in label order.' });
  const seen = new Set<string>();
  for (const n of names) {
    if (seen.has(n)) throw new LabError(`${file} names class "${n}" twice.`, { file, field, fix: 'Give every class a different name.' });
    seen.add(n);
  }
  return names;
}

/**
 * The class list a set's files give, or null: classes.txt first, then metadata.json, then the
 * CIFAR label-name files (`fine_label_names.txt` for CIFAR-100 fine labels, `batches.meta.txt` for CIFAR-10).
 * Only files at the top of the set (the shallowest level) count.
 */
export function readClassList(files: readonly { path: string; bytes: Uint8Array }[], cifarKind?: 'fine' | 'coarse' | 'cifar10'): { names: string[]; file: string } | null {
  const lists = files.filter((f) => isClassListFile(f.path));
  if (lists.length === 0) return null;
  const depth = (p: string): number => p.split('/').length;
  const top = Math.min(...lists.map((f) => depth(f.path)));
  const find = (name: string) => lists.find((f) => depth(f.path) === top && baseOf(f.path).toLowerCase() === name);
  const order = ['classes.txt', 'metadata.json', cifarKind === 'coarse' ? 'coarse_label_names.txt' : 'fine_label_names.txt', 'batches.meta.txt'];
  for (const name of order) {
    const f = find(name);
    if (!f) continue;
    const named = { name: f.path, bytes: f.bytes };
    return { names: name === 'metadata.json' ? parseMetadataLabels(named) : parseClassLines(named), file: f.path };
  }
  return null;
}

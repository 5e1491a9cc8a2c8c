/** Datasets for the CLI commands: a bundled dataset by name, a folder of class sub-folders, and any labelled set (`loadLabelledSet`). */
import { existsSync, statSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { BUNDLED_DATASET_NAMES, loadBundledDataset, type BundledDatasetName } from '../core/data/bundled';
import type { Dataset } from '../core/data/dataset';
import { decodeImageInNode } from '../core/data/decode-node';
import { loadImageFolder, type FolderFile } from '../core/data/image-folder';
import { cifarVariant, idxRole, loadLabelledFiles, type LabelledSet, type LabelledSetOptions } from '../core/data/labelled-set';
import { readPublicData } from '../core/data/node-source';
import { checkFileBytes, MAX_SET_FILE_BYTES } from '../core/data/set-limits';
import { LabError } from '../core/errors';
import { checkRepairSet, repairSetOptions, type RepairSetModel } from '../core/data/repair-set';

async function readFolder(dir: string): Promise<FolderFile[]> {
  const files: FolderFile[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const full = join(entry.parentPath, entry.name);
    files.push({ path: relative(dir, full).split('\\').join('/'), bytes: new Uint8Array(await readFile(full)) });
  }
  return files;
}

/** A bundled dataset by name, or a folder of class sub-folders by path. */
export async function loadDataset(target: string): Promise<Dataset> {
  if ((BUNDLED_DATASET_NAMES as readonly string[]).includes(target)) return loadBundledDataset(target as BundledDatasetName, readPublicData(resolve('public/data')));
  const dir = resolve(target);
  if (existsSync(dir) && statSync(dir).isDirectory()) return loadImageFolder(await readFolder(dir), decodeImageInNode, basename(dir));
  throw new LabError(`"${target}" is neither a bundled dataset nor a folder.`, { field: 'dataset', fix: `Use one of ${BUNDLED_DATASET_NAMES.join(', ')}, or a folder with one sub-folder of images per class.` });
}

/** Every regular file under `dir` (hidden entries skipped) with its size, before anything is read. */
async function listFolder(dir: string): Promise<{ full: string; path: string; size: number }[]> {
  const out: { full: string; path: string; size: number }[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const full = join(entry.parentPath, entry.name);
    const path = relative(dir, full).split('\\').join('/');
    if (path.split('/').some((p) => p.startsWith('.'))) continue;
    out.push({ full, path, size: (await stat(full)).size });
  }
  return out;
}

/** The files a single IDX or CIFAR file stands for: an IDX file with its partner next to it, a CIFAR batch with its label-name files. */
async function filesForOne(file: string): Promise<{ full: string; path: string; size: number }[]> {
  const dir = dirname(file);
  const siblings = await listFolder(dir).then((all) => all.filter((f) => !f.path.includes('/')));
  const own = siblings.find((f) => f.full === file) as { full: string; path: string; size: number };
  if (idxRole(file)) {
    const key = (p: string): string => p.toLowerCase().replace(/\.gz$/, '').replace(/images?|labels?/, '*').replace(/idx[13]/, 'idx#');
    return siblings.filter((f) => f === own || (idxRole(f.path) !== null && idxRole(f.path) !== idxRole(file) && key(f.path) === key(own.path)) || /^(classes\.txt|metadata\.json)$/i.test(f.path));
  }
  if (cifarVariant(file)) return siblings.filter((f) => f === own || /^(classes\.txt|metadata\.json|batches\.meta\.txt|(fine|coarse)_label_names\.txt)$/i.test(f.path));
  throw new LabError(`${basename(file)} is neither an IDX file nor a CIFAR batch.`, { file: basename(file), field: 'path', fix: 'Give a folder (one sub-folder of images per class, IDX files or CIFAR batches), an IDX file such as t10k-images-idx3-ubyte, or a CIFAR batch such as test_batch.bin.' });
}

export interface LoadLabelledSetOptions extends Omit<LabelledSetOptions, 'target'> {
  /** The model's input [H, W, C]: every image is fitted to it. */
  target?: readonly [number, number, number];
}

/**
 * A labelled set from the file system: a folder with one sub-folder per class, a folder holding
 * an IDX pair or CIFAR batches, an IDX images or labels file (its partner is found next to it),
 * a CIFAR batch file, or several files joined by commas. Sizes are checked before reading.
 */
export async function loadLabelledSet(path: string, options: LoadLabelledSetOptions = {}): Promise<LabelledSet> {
  const paths = path.split(',').map((p) => resolve(p.trim())).filter((p) => p.length > 0);
  let entries: { full: string; path: string; size: number }[] = [];
  let name = options.name;
  for (const p of paths) {
    if (!existsSync(p)) throw new LabError(`${p} does not exist.`, { file: p, field: 'path', fix: 'Give the path of a folder, an IDX file pair or CIFAR batch files.' });
    if (statSync(p).isDirectory()) {
      entries.push(...(await listFolder(p)));
      name ??= basename(p);
    } else {
      entries.push(...(paths.length > 1 ? [{ full: p, path: basename(p), size: statSync(p).size }] : await filesForOne(p)));
      name ??= basename(dirname(p));
    }
  }
  entries = entries.filter((e, i) => entries.findIndex((o) => o.full === e.full) === i);
  checkFileBytes(entries.map((e) => ({ path: e.path, size: e.size })), name ?? path, options.maxFileBytes ?? MAX_SET_FILE_BYTES);
  const files = await Promise.all(entries.map(async (e) => ({ path: e.path, bytes: new Uint8Array(await readFile(e.full)) })));
  return loadLabelledFiles(files, decodeImageInNode, { ...options, name });
}

/**
 * A set for a repair: a bundled dataset by name, or any labelled set `loadLabelledSet` reads
 * (folder, IDX pair, CIFAR), fitted to the model's input and checked against its classes.
 * `role` names the flag in errors and notes.
 */
export async function loadRepairSet(target: string, model: RepairSetModel, role: string): Promise<{ dataset: Dataset; notes: string[] }> {
  const loaded = (BUNDLED_DATASET_NAMES as readonly string[]).includes(target)
    ? { dataset: await loadDataset(target), conversions: [] as string[] }
    : await loadLabelledSet(target, repairSetOptions(model, basename(resolve(target.split(',')[0]))));
  return checkRepairSet(loaded, model, `--${role} ${target}`, `--${role}: `);
}

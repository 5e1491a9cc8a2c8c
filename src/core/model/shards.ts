/**
 * The weight shards of a model: matching manifest paths to the given files (relative paths,
 * sub-folders allowed, falling back to the base name), each group's bytes (a shard with
 * trailing bytes is accepted with a warning, as tfjs reads only the listed bytes), and the
 * finite-value scan. Pure: no tfjs.
 */
import { LabError } from '../errors';
import { storedByteLength, storedElementBytes } from './dequantise';
import { prod } from './layer-math';
import { baseName, METADATA_FILE, type ManifestGroup, type ModelFile, type WeightSpec } from './validate-files';
import type { ModelWarning } from './warnings';

/** A path's parts without empty parts and `.`, with `..` applied. */
function pathParts(path: string): string[] {
  const out: string[] = [];
  for (const part of path.split(/[\\/]/)) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return out;
}

/** `path` normalised to '/'-separated parts (no leading `./`, `..` applied). */
export function normalisePath(path: string): string {
  return pathParts(path).join('/');
}

/** The folder of a normalised path ('' at the top). */
const folderOf = (path: string): string => path.split('/').slice(0, -1).join('/');

const isHidden = (path: string): boolean => path.split('/').some((p) => p.startsWith('.'));

/** A matched shard: the file and its path relative to model.json's folder. */
export interface MatchedShard extends ModelFile {
  relativePath: string;
}

/**
 * Shard files in manifest order per group, and the extra files that were ignored. A manifest
 * path is looked up relative to model.json's folder, then by base name when exactly one file
 * has it. Missing, ambiguous and duplicate shards are refused; so are extra files, except, with
 * `ignoreExtra`, non-.bin files and .bin files in folders that hold no model file or listed shard.
 */
export function matchShards(groups: readonly ManifestGroup[], files: readonly ModelFile[], modelFile: ModelFile, ignoreExtra = false): { shards: MatchedShard[][]; ignored: string[] } {
  const modelDir = folderOf(normalisePath(modelFile.name));
  const byPath = new Map<string, ModelFile>();
  for (const f of files) {
    const path = normalisePath(f.name);
    if (f === modelFile || baseName(path) === METADATA_FILE || isHidden(path)) continue;
    if (byPath.has(path)) throw new LabError(`Two files are named ${path}.`, { file: baseName(path), field: 'files', fix: 'Drop the files of one model only.' });
    byPath.set(path, f);
  }
  const used = new Set<string>();
  const shards = groups.map((group, g) => group.paths.map((listed, i) => {
    const found = findShard(listed, modelDir, byPath, `weightsManifest[${g}].paths[${i}]`);
    used.add(found);
    const file = byPath.get(found) as ModelFile;
    const relativePath = modelDir && found.startsWith(`${modelDir}/`) ? found.slice(modelDir.length + 1) : found;
    return { name: file.name, bytes: file.bytes, relativePath };
  }));
  const shardDirs = new Set([modelDir, ...[...used].map(folderOf)]);
  const extra = [...byPath.keys()].filter((p) => !used.has(p));
  const refused = ignoreExtra ? extra.filter((p) => p.toLowerCase().endsWith('.bin') && shardDirs.has(folderOf(p))) : extra;
  if (refused.length > 0) {
    const names = refused.map(baseName);
    throw new LabError(`Unexpected file${names.length > 1 ? 's' : ''} ${names.join(', ')}: model.json does not list ${names.length > 1 ? 'them' : 'it'} as a weight shard.`, { file: names[0], field: 'weightsManifest', fix: 'Drop only model.json, its .bin shards and (optionally) metadata.json; shards from another model do not belong here.' });
  }
  return { shards, ignored: extra.map((p) => (modelDir && p.startsWith(`${modelDir}/`) ? p.slice(modelDir.length + 1) : p)) };
}

/** The normalised path of the file a manifest path names: relative to model.json's folder, else by unique base name. */
function findShard(listed: string, modelDir: string, byPath: ReadonlyMap<string, ModelFile>, field: string): string {
  const exact = normalisePath(modelDir ? `${modelDir}/${listed}` : listed);
  if (byPath.has(exact)) return exact;
  const name = baseName(listed);
  const candidates = [...byPath.keys()].filter((p) => baseName(p) === name);
  if (candidates.length === 1) return candidates[0];
  if (candidates.length > 1) {
    throw new LabError(`model.json lists the weight file ${listed}, and ${candidates.length} files are named ${name} (${candidates.join(', ')}).`, { file: name, field, fix: `Drop the whole model folder so that ${listed} is found at its place next to model.json, or only the files of one model.` });
  }
  throw new LabError(`The weight file ${name} listed in model.json is missing.`, {
    file: name,
    field,
    fix: `Add ${name} to the files (drop model.json together with all its .bin shards${listed.includes('/') ? `, or the folder holding ${listed}` : ''}).`,
    code: listed.includes('/') ? 'weight_file_missing_in_folder' : 'weight_file_missing',
    params: { name, listed },
  });
}

/**
 * Each group's bytes as tfjs reads them: its shards concatenated, cut to the bytes its weights
 * need. Too few bytes are refused; extra bytes at the end are dropped with a warning.
 */
export function groupBytes(groups: readonly ManifestGroup[], shards: readonly MatchedShard[][]): { groups: Uint8Array[]; warnings: ModelWarning[] } {
  const warnings: ModelWarning[] = [];
  const out = groups.map((group, g) => {
    const expected = group.weights.reduce((sum, w) => sum + storedByteLength(w), 0);
    const actual = shards[g].reduce((sum, f) => sum + f.bytes.length, 0);
    const files = shards[g].map((f) => `${f.relativePath} (${f.bytes.length} bytes)`).join(', ');
    const last = shards[g][shards[g].length - 1];
    const file = last?.relativePath ?? 'weights.bin';
    const them = shards[g].length > 1 ? 's' : '';
    if (actual < expected) {
      throw new LabError(`The weight file${them} ${files} hold ${actual} bytes, but the ${group.weights.length} weights listed in model.json need ${expected} bytes: a shard is truncated or missing data.`, { file, field: `weightsManifest[${g}]`, fix: 'Copy the .bin files again from the same export as model.json.', code: 'shard_too_short', params: { files, actual, count: group.weights.length, expected } });
    }
    if (actual > expected) {
      warnings.push({ kind: 'trailing-bytes', file, field: `weightsManifest[${g}]`, message: `The weight file${them} ${files} hold ${actual} bytes, but the ${group.weights.length} weights listed in model.json need ${expected}: the last ${actual - expected} bytes were ignored, as tfjs does.` });
    }
    const bytes = new Uint8Array(expected);
    let offset = 0;
    for (const f of shards[g]) {
      if (offset >= expected) break;
      const part = f.bytes.subarray(0, expected - offset);
      bytes.set(part, offset);
      offset += part.length;
    }
    return bytes;
  });
  return { groups: out, warnings };
}

/** All groups' bytes concatenated in manifest order. */
export function concatGroups(groups: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(groups.reduce((s, g) => s + g.length, 0));
  let offset = 0;
  for (const g of groups) {
    out.set(g, offset);
    offset += g.length;
  }
  return out;
}

/**
 * Refuses NaN/±Inf values in the decoded float32 `values`; names the weight and the shard that
 * stores the first one (`groups`/`shards` locate it in the stored, possibly quantised, bytes).
 */
export function checkFiniteWeights(groups: readonly ManifestGroup[], values: Float32Array, shards: readonly MatchedShard[][]): void {
  let element = 0;
  groups.forEach((group, g) => {
    let stored = 0;
    for (const spec of group.weights) {
      const size = prod(spec.shape);
      for (let i = 0; i < size; i++) {
        const v = values[element + i];
        if (Number.isFinite(v)) continue;
        const file = shardAt(shards[g], stored + i * storedElementBytes(spec));
        throw new LabError(`Weight "${spec.name}" holds ${v} at element ${i}: the model was saved after training diverged, or ${file} is damaged.`, { file, field: spec.name, fix: 'Retrain with a lower learning rate (or gradient clipping) and export again, or copy the .bin files again.' });
      }
      element += size;
      stored += storedByteLength(spec);
    }
  });
}

function shardAt(shards: readonly MatchedShard[], byte: number): string {
  let start = 0;
  for (const f of shards) {
    if (byte < start + f.bytes.length) return f.relativePath;
    start += f.bytes.length;
  }
  return 'weights.bin';
}

/** The manifest specs as float32 weights (what `weightData` holds after dequantisation). */
export function float32Specs(specs: readonly WeightSpec[]): WeightSpec[] {
  return specs.map((s) => ({ name: s.name, shape: [...s.shape], dtype: 'float32' }));
}

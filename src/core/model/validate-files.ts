/**
 * File-level checks of a dropped or fetched tfjs LayersModel (model.json + weight shards +
 * optional Teachable Machine metadata.json), one check per function. Pure: no tfjs.
 */
import { LabError } from '../errors';
import { QUANTISED_DTYPES, type Quantization, type QuantisedDtype } from './dequantise';
import { isObject, unwrapTopology, type Json, type JsonObject } from './topology';

/** One file as dropped, picked or read from disk; `name` may include folders. */
export interface ModelFile {
  name: string;
  bytes: Uint8Array;
}

/** One weight in the manifest: float32, stored as float32 or quantised (uint8/uint16/float16). */
export interface WeightSpec {
  name: string;
  shape: number[];
  dtype: 'float32';
  quantization?: Quantization;
}

export interface ManifestGroup {
  paths: string[];
  weights: WeightSpec[];
}

export const METADATA_FILE = 'metadata.json';

/** The file name without folders or a leading `./`. */
export function baseName(path: string): string {
  return path.split(/[\\/]/).filter((p) => p !== '' && p !== '.').pop() ?? path;
}

/** The model.json among `files` (or the only .json that is not metadata.json). */
export function findModelJson(files: readonly ModelFile[]): ModelFile {
  const jsons = files.filter((f) => baseName(f.name).toLowerCase().endsWith('.json') && baseName(f.name) !== METADATA_FILE);
  const exact = jsons.filter((f) => baseName(f.name) === 'model.json');
  if (exact.length === 1) return exact[0];
  if (exact.length === 0 && jsons.length === 1) return jsons[0];
  const names = files.map((f) => baseName(f.name)).join(', ') || 'no files';
  if (exact.length > 1 || jsons.length > 1) throw new LabError(`Several model files were given (${jsons.map((f) => baseName(f.name)).join(', ')}).`, { file: 'model.json', field: 'files', fix: 'Drop the files of one model only: one model.json and its .bin shards.', code: 'several_model_files', params: { names: jsons.map((f) => baseName(f.name)).join(', ') } });
  throw new LabError(`No model.json among the files (${names}).`, { file: 'model.json', field: 'files', fix: 'Include the model.json that tfjs model.save() or tensorflowjs_converter wrote next to the .bin files.', code: 'no_model_json', params: { names } });
}

/** Parses JSON bytes, telling a truncated file from one that is not JSON at all. */
export function parseJsonFile(file: ModelFile): Json {
  const name = baseName(file.name);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(file.bytes);
  } catch {
    throw new LabError(`${name} is not a text file (it is not valid UTF-8).`, { file: name, field: '(file)', fix: 'Pick the model.json written by tfjs, not a weight shard or another binary file.', code: 'model_json_not_text', params: { name } });
  }
  try {
    return JSON.parse(text) as Json;
  } catch (err) {
    const trimmed = text.trimEnd();
    const looksCut = trimmed.length > 0 && /^[[{]/.test(trimmed.trimStart()) && !/[}\]]$/.test(trimmed);
    if (looksCut || /end of (JSON )?(data|input)|Unterminated/i.test(String(err))) {
      throw new LabError(`${name} is truncated: it stops after ${file.bytes.length} bytes in the middle of the JSON.`, { file: name, field: '(file)', fix: 'The download or copy was cut short; copy the file again.', code: 'model_json_truncated', params: { name, bytes: file.bytes.length } });
    }
    throw new LabError(`${name} is not valid JSON (${(err as Error).message}).`, { file: name, field: '(file)', fix: 'Use the model.json written by tfjs; do not edit it by hand.', code: 'model_json_not_json', params: { name, detail: (err as Error).message } });
  }
}

/** Refuses graph models and unknown formats (the lab edits Keras layers, not a frozen graph). */
export function checkFormat(json: Json, file: string): JsonObject {
  if (!isObject(json)) throw new LabError(`${file} holds ${Array.isArray(json) ? 'a list' : typeof json}, not a model description object.`, { file, field: '(root)', fix: 'Use the model.json written by tfjs model.save() or tensorflowjs_converter.' });
  const format = json['format'];
  const topology = json['modelTopology'];
  const isGraph = format === 'graph-model' || (isObject(topology) && Array.isArray(topology['node']));
  if (isGraph) {
    throw new LabError(`${file} is a tfjs graph model (format "graph-model"): a frozen graph whose layers the lab cannot split or rebuild.`, {
      file,
      field: 'format',
      fix: 'The lab needs a Keras LayersModel ("layers-model"). From a Keras .h5/.keras file run `tensorflowjs_converter --input_format keras model.h5 out/`, or in tfjs save a tf.LayersModel with `await model.save(...)`. A SavedModel or graph model cannot be turned back into layers.',
    });
  }
  if (format !== undefined && format !== null && format !== 'layers-model') {
    throw new LabError(`${file} has format ${JSON.stringify(format)}; the lab reads "layers-model".`, { file, field: 'format', fix: 'Export the model as a tfjs LayersModel (model.save or tensorflowjs_converter --input_format keras).' });
  }
  return json;
}

/** `modelTopology` must be present and hold a Keras model config. */
export function checkTopologyPresent(json: JsonObject, file: string): JsonObject {
  const topology = json['modelTopology'];
  if (topology === undefined || topology === null) throw new LabError(`${file} has no modelTopology, so the layers of the model are unknown.`, { file, field: 'modelTopology', fix: 'This file holds weights only; use the model.json that tfjs model.save() wrote, which includes the topology.' });
  const unwrapped = unwrapTopology(topology);
  if (typeof unwrapped['class_name'] !== 'string') throw new LabError(`${file}: modelTopology has no class_name.`, { file, field: 'modelTopology.class_name', fix: 'Re-export the model; its topology is damaged.' });
  return unwrapped;
}

/** Reads `weightsManifest`: groups of shard paths and float32 weight specs with valid shapes. */
export function readManifest(json: JsonObject, file: string): ManifestGroup[] {
  const raw = json['weightsManifest'];
  const fix = 'Re-export the model; model.json must list its weight files and weights.';
  if (raw === undefined || raw === null) throw new LabError(`${file} has no weightsManifest, so its weight files are unknown.`, { file, field: 'weightsManifest', fix });
  if (!Array.isArray(raw)) throw new LabError(`${file}: weightsManifest is not a list.`, { file, field: 'weightsManifest', fix });
  return raw.map((group, g) => {
    const field = `weightsManifest[${g}]`;
    if (!isObject(group) || !Array.isArray(group['paths']) || !Array.isArray(group['weights'])) throw new LabError(`${file}: ${field} needs "paths" and "weights" lists.`, { file, field, fix });
    const paths = group['paths'];
    if (!paths.every((p): p is string => typeof p === 'string' && p !== '')) throw new LabError(`${file}: ${field}.paths holds something that is not a file name.`, { file, field: `${field}.paths`, fix });
    return { paths, weights: group['weights'].map((w, i) => readWeightSpec(w, `${field}.weights[${i}]`, file)) };
  });
}

function readWeightSpec(raw: Json, field: string, file: string): WeightSpec {
  const fix = 'Re-export the model; the weight list is damaged.';
  if (!isObject(raw) || typeof raw['name'] !== 'string') throw new LabError(`${file}: ${field} has no name.`, { file, field, fix });
  const name = raw['name'];
  const shape = raw['shape'];
  if (!Array.isArray(shape) || !shape.every((d) => typeof d === 'number' && Number.isInteger(d) && d >= 0 && d <= 1e8)) throw new LabError(`${file}: weight "${name}" has an invalid shape ${JSON.stringify(shape)}.`, { file, field: `${field}.shape`, fix });
  if (raw['dtype'] !== 'float32') {
    throw new LabError(`${file}: weight "${name}" has dtype ${JSON.stringify(raw['dtype'])}; layer weights must be float32.`, { file, field: `${field}.dtype`, fix: 'Keep the Keras layers in float32 (no mixed precision, no int8) and export again.' });
  }
  const quant = raw['quantization'];
  if (quant !== undefined && quant !== null) return { name, shape: shape as number[], dtype: 'float32', quantization: readQuantization(quant, name, `${field}.quantization`, file) };
  return { name, shape: shape as number[], dtype: 'float32' };
}

/** A `quantization` entry tfjs can decode: uint8/uint16 with finite scale and min, or float16. */
function readQuantization(raw: Json, name: string, field: string, file: string): Quantization {
  const fix = 'Export again with tensorflowjs_converter (--quantize_uint8, --quantize_uint16 or --quantize_float16 write entries tfjs reads), or without quantisation.';
  if (!isObject(raw)) throw new LabError(`${file}: weight "${name}" has a quantization entry that is not an object.`, { file, field, fix });
  const dtype = raw['dtype'];
  if (typeof dtype !== 'string' || !(QUANTISED_DTYPES as readonly string[]).includes(dtype)) {
    throw new LabError(`${file}: weight "${name}" is quantised to ${JSON.stringify(dtype)}; tfjs reads uint8, uint16 or float16.`, { file, field: `${field}.dtype`, fix });
  }
  const original = raw['original_dtype'];
  if (original !== undefined && original !== null && original !== 'float32') {
    throw new LabError(`${file}: weight "${name}" was quantised from ${JSON.stringify(original)}; layer weights must be float32.`, { file, field: `${field}.original_dtype`, fix });
  }
  if (dtype === 'float16') return { dtype };
  const scale = raw['scale'];
  const min = raw['min'];
  for (const [key, value] of [['scale', scale], ['min', min]] as const) {
    if (typeof value !== 'number' || !Number.isFinite(value) || (key === 'scale' && value < 0)) {
      throw new LabError(`${file}: weight "${name}" is quantised to ${dtype} but its ${key} is ${JSON.stringify(value ?? null)}; tfjs needs a finite ${key === 'scale' ? 'non-negative ' : ''}number.`, { file, field: `${field}.${key}`, fix });
    }
  }
  return { dtype: dtype as QuantisedDtype, scale: scale as number, min: min as number };
}

/** Teachable Machine metadata: class labels (and a model name) if metadata.json was given. */
export function readMetadata(files: readonly ModelFile[]): { labels: string[] | null; modelName: string | null } | null {
  const file = files.find((f) => baseName(f.name) === METADATA_FILE);
  if (!file) return null;
  const json = parseJsonFile(file);
  if (!isObject(json)) throw new LabError(`${METADATA_FILE} is not an object.`, { file: METADATA_FILE, field: '(root)', fix: 'Use the metadata.json exported next to model.json, or leave it out.' });
  const labels = json['labels'];
  if (labels !== undefined && !(Array.isArray(labels) && labels.every((l) => typeof l === 'string'))) {
    throw new LabError(`${METADATA_FILE}: "labels" must be a list of class names.`, { file: METADATA_FILE, field: 'labels', fix: 'Use the metadata.json exported next to model.json, or leave it out.' });
  }
  const modelName = typeof json['modelName'] === 'string' ? json['modelName'] : null;
  return { labels: (labels as string[] | undefined) ?? null, modelName };
}

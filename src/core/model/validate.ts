/**
 * Validates a LayersModel's files before tfjs sees them (tfjs 4.22 can hang or die on bad
 * input). Every rejection is a LabError naming the file, the field and the fix. Pure: no tfjs.
 */
import { LabError } from '../errors';
import { dequantiseAll } from './dequantise';
import { flattenTopology, type FlatModel } from './flatten';
import { chooseOutput, describeOutputs, keepOneOutput, type OutputChoice, type OutputInfo } from './select-output';
import { checkFiniteWeights, concatGroups, float32Specs, groupBytes, matchShards } from './shards';
import type { JsonObject } from './topology';
import { baseName, checkFormat, checkTopologyPresent, findModelJson, parseJsonFile, readManifest, readMetadata, type ManifestGroup, type ModelFile, type WeightSpec } from './validate-files';
import { checkActivations, checkClassifierOutput, checkImageInput, checkLayerClasses, checkLayerHelpers, checkMemoryBudget, checkWeightsMatch, type MemoryEstimate } from './validate-model';
import type { ModelWarning } from './warnings';

export type { ModelFile, WeightSpec } from './validate-files';
export type { MemoryEstimate } from './validate-model';
export type { OutputChoice, OutputInfo } from './select-output';
export type { ModelWarning, ModelWarningKind } from './warnings';

/** A model whose files passed every check; plain data, ready for `loadValidatedModel`. */
export interface ValidatedModel {
  name: string;
  /** `modelTopology` as tfjs should read it: as in model.json (the converter's wrapper kept), cut down to the chosen output when the model has several. */
  modelTopology: JsonObject;
  /** Float32 weights in manifest order, matching `weightData` (quantised weights already decoded). */
  weightSpecs: WeightSpec[];
  /** Every weight as float32, little-endian, in `weightSpecs` order. */
  weightData: ArrayBuffer;
  /** Class labels from Teachable Machine's metadata.json, or null. */
  classNames: string[] | null;
  flat: FlatModel;
  /** [H, W, C] */
  inputShape: number[];
  numClasses: number;
  memory: MemoryEstimate;
  /** Files used, model.json first, shards by their path relative to model.json. */
  files: string[];
  /** Extra files that were ignored (only with `ignoreExtraFiles`). */
  ignoredFiles: string[];
  /** Every output of the model as exported (one entry for a single-output model). */
  outputs: OutputInfo[];
  /** Index in `outputs` of the output the lab repairs. */
  chosenOutput: number;
  /** What was accepted but changed or limited (quantisation, trailing bytes, several outputs, shared layers); [] for a plain model. */
  warnings: ModelWarning[];
}

export interface ValidateOptions {
  /** Display name when neither metadata.json nor the topology names the model. */
  name?: string;
  /** Batch size the memory estimate assumes (default 32). */
  batchSize?: number;
  /** Memory budget in bytes (default 1 GiB). */
  memoryBudgetBytes?: number;
  /** Ignore extra non-.bin files (a folder's README or model card) instead of refusing them. */
  ignoreExtraFiles?: boolean;
  /** For a model with several outputs: the one to repair (index or layer name); default the class-score output. */
  output?: OutputChoice;
}

export const DEFAULT_MEMORY_BUDGET_BYTES = 1024 * 1024 * 1024;

/** Runs every check in order (cheap structural checks first, the weight scan last). */
export function validateModelFiles(files: readonly ModelFile[], options: ValidateOptions = {}): ValidatedModel {
  const modelFile = findModelJson(files);
  const file = baseName(modelFile.name);
  const json = checkFormat(parseJsonFile(modelFile), file);
  const topology = checkTopologyPresent(json, file);
  const groups = readManifest(json, file);
  checkLayerClasses(topology);
  checkLayerHelpers(topology);
  const full = flattenTopology(topology);
  checkActivations(full);
  const inputShape = checkImageInput(full);
  const manifestSpecs = groups.flatMap((g) => g.weights);
  const owners = checkWeightsMatch(full, manifestSpecs);
  const { shards, ignored } = matchShards(groups, files, modelFile, options.ignoreExtraFiles ?? false);
  const stored = groupBytes(groups, shards);
  const allData = dequantiseAll(manifestSpecs, concatGroups(stored.groups));
  checkFiniteWeights(groups, new Float32Array(allData), shards);
  const outputs = describeOutputs(full);
  const chosen = outputs.length > 1 ? chooseOutput(outputs, options.output) : outputs[0];
  let flat = full;
  let modelTopology = json['modelTopology'] as JsonObject;
  let weightSpecs = float32Specs(manifestSpecs);
  let weightData = allData;
  if (outputs.length > 1) {
    modelTopology = keepOneOutput(modelTopology, chosen.index);
    flat = flattenTopology(modelTopology);
    ({ weightSpecs, weightData } = keepWeightsOf(flat, weightSpecs, owners, allData));
  }
  const numClasses = checkClassifierOutput(flat);
  const memory = checkMemoryBudget(flat, options.batchSize ?? 32, options.memoryBudgetBytes ?? DEFAULT_MEMORY_BUDGET_BYTES);
  const metadata = readMetadata(files);
  if (metadata?.labels && metadata.labels.length !== numClasses) {
    throw new LabError(`metadata.json lists ${metadata.labels.length} class labels, but the model outputs ${numClasses} classes.`, { file: 'metadata.json', field: 'labels', fix: 'Use the metadata.json exported together with this model.json, or leave it out.' });
  }
  const warnings = [...quantisationWarnings(groups, file), ...stored.warnings, ...outputWarnings(outputs, chosen, options.output !== undefined), ...sharedLayerWarnings(flat)];
  return {
    name: metadata?.modelName || options.name || flat.name,
    modelTopology,
    weightSpecs,
    weightData,
    classNames: metadata?.labels ?? null,
    flat,
    inputShape,
    numClasses,
    memory,
    files: [file, ...shards.flat().map((f) => f.relativePath), ...(metadata ? ['metadata.json'] : [])],
    ignoredFiles: ignored,
    outputs,
    chosenOutput: chosen.index,
    warnings,
  };
}

/** The specs (and their float32 values) owned by layers that are still in `flat`. */
function keepWeightsOf(flat: FlatModel, specs: readonly WeightSpec[], owners: readonly string[], data: ArrayBuffer): { weightSpecs: WeightSpec[]; weightData: ArrayBuffer } {
  const live = new Set(flat.layers.map((l) => l.name));
  const values = new Float32Array(data);
  const kept: WeightSpec[] = [];
  const parts: Float32Array[] = [];
  let offset = 0;
  specs.forEach((spec, i) => {
    const size = spec.shape.reduce((a, b) => a * b, 1);
    if (live.has(owners[i])) {
      kept.push(spec);
      parts.push(values.subarray(offset, offset + size));
    }
    offset += size;
  });
  const out = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return { weightSpecs: kept, weightData: out.buffer };
}

function quantisationWarnings(groups: readonly ManifestGroup[], file: string): ModelWarning[] {
  const specs = groups.flatMap((g) => g.weights);
  const dtypes = [...new Set(specs.flatMap((s) => (s.quantization ? [s.quantization.dtype] : [])))];
  if (dtypes.length === 0) return [];
  const count = specs.filter((s) => s.quantization).length;
  return [{ kind: 'quantised', file, field: 'weightsManifest[].weights[].quantization', message: `The weights were quantised (${dtypes.join(', ')}; ${count} of ${specs.length} weights): the lab decoded them to float32, and the repaired export is float32.` }];
}

function outputWarnings(outputs: readonly OutputInfo[], chosen: OutputInfo, byCaller: boolean): ModelWarning[] {
  if (outputs.length < 2) return [];
  const others = outputs.filter((o) => o !== chosen).map((o) => `"${o.layer}" [${o.shape.join(', ')}]`).join(', ');
  const why = byCaller ? 'as chosen' : 'the class-score output';
  return [{ kind: 'several-outputs', file: MODEL_JSON, field: 'modelTopology.config.output_layers', message: `The model has ${outputs.length} outputs; the lab repairs output ${chosen.index}, "${chosen.layer}" [${chosen.shape.join(', ')}] (${why}). The other output${outputs.length > 2 ? 's' : ''} (${others}) and the layers only they use are left out of the repaired export.` }];
}

function sharedLayerWarnings(flat: FlatModel): ModelWarning[] {
  const uses = new Map<string, number>();
  for (const l of flat.layers) if (l.sharedLayer) uses.set(l.sharedLayer, (uses.get(l.sharedLayer) ?? 0) + 1);
  return [...uses].map(([layer, count]) => ({
    kind: 'shared-layer' as const,
    file: MODEL_JSON,
    field: flat.layers.find((l) => l.name === layer)?.path,
    message: `Layer "${layer}" is applied ${count} times (shared weights): all its uses stay in one block, which architecture search cannot replace.`,
  }));
}

const MODEL_JSON = 'model.json';

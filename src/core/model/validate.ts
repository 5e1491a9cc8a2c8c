/**
 * Validates a LayersModel's files before tfjs sees them (tfjs 4.22 can hang or die on bad
 * input). Every rejection is a LabError naming the file, the field and the fix. Pure: no tfjs.
 */
import { LabError } from '../errors';
import { flattenTopology, type FlatModel } from './flatten';
import type { JsonObject } from './topology';
import { baseName, checkFiniteWeights, checkFormat, checkShardSizes, checkTopologyPresent, concatShards, findModelJson, matchShards, parseJsonFile, readManifest, readMetadata, type ModelFile, type WeightSpec } from './validate-files';
import { checkActivations, checkClassifierOutput, checkImageInput, checkLayerClasses, checkLayerHelpers, checkMemoryBudget, checkWeightsMatch, type MemoryEstimate } from './validate-model';

export type { ModelFile, WeightSpec } from './validate-files';
export type { MemoryEstimate } from './validate-model';

/** A model whose files passed every check; plain data, ready for `loadValidatedModel`. */
export interface ValidatedModel {
  name: string;
  /** `modelTopology` exactly as in model.json (tfjs reads it; the converter's wrapper kept). */
  modelTopology: JsonObject;
  /** Manifest weights in shard order, matching `weightData`. */
  weightSpecs: WeightSpec[];
  /** All shards concatenated (float32, little-endian). */
  weightData: ArrayBuffer;
  /** Class labels from Teachable Machine's metadata.json, or null. */
  classNames: string[] | null;
  flat: FlatModel;
  /** [H, W, C] */
  inputShape: number[];
  numClasses: number;
  memory: MemoryEstimate;
  /** Base names of the files used, model.json first. */
  files: string[];
  /** Extra files that were ignored (only with `ignoreExtraFiles`). */
  ignoredFiles: string[];
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
  const flat = flattenTopology(topology);
  checkActivations(flat);
  const inputShape = checkImageInput(flat);
  const numClasses = checkClassifierOutput(flat);
  const weightSpecs = groups.flatMap((g) => g.weights);
  checkWeightsMatch(flat, weightSpecs);
  const memory = checkMemoryBudget(flat, options.batchSize ?? 32, options.memoryBudgetBytes ?? DEFAULT_MEMORY_BUDGET_BYTES);
  const { shards, ignored } = matchShards(groups, files, modelFile, options.ignoreExtraFiles ?? false);
  checkShardSizes(groups, shards);
  const weightData = concatShards(shards);
  checkFiniteWeights(weightSpecs, weightData, shards);
  const metadata = readMetadata(files);
  if (metadata?.labels && metadata.labels.length !== numClasses) {
    throw new LabError(`metadata.json lists ${metadata.labels.length} class labels, but the model outputs ${numClasses} classes.`, { file: 'metadata.json', field: 'labels', fix: 'Use the metadata.json exported together with this model.json, or leave it out.' });
  }
  return {
    name: metadata?.modelName || options.name || flat.name,
    modelTopology: json['modelTopology'] as JsonObject,
    weightSpecs,
    weightData,
    classNames: metadata?.labels ?? null,
    flat,
    inputShape,
    numClasses,
    memory,
    files: [file, ...shards.flat().map((f) => baseName(f.name)), ...(metadata ? ['metadata.json'] : [])],
    ignoredFiles: ignored,
  };
}

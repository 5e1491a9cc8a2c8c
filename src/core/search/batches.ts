import * as tf from '@tensorflow/tfjs';
import { LabError } from '../errors';

/**
 * One split of cached block inputs: the frozen prefix has already run, so `inputs` are
 * activations at the searched block's input, NHWC float32, `shape` = [n, h, w, c].
 */
export interface Split {
  inputs: Float32Array;
  shape: [number, number, number, number];
  /** Class index per example, [n]. */
  labels: Int32Array;
  /** 1 where the example is a failure of the original model, [n]. */
  isFailure?: Uint8Array;
  /** The original model's class probabilities on the examples that distil them (DistillTargets). */
  teacher?: DistillTargets;
}

/**
 * Output-level distillation targets (learning without forgetting): the original model's
 * class probabilities, [n, classes] row-major, used only on rows where `mask` is 1 (clean images).
 */
export interface DistillTargets {
  probabilities: Float32Array;
  classes: number;
  mask: Uint8Array;
}

/** The data a search runs on: S_w (weights), S_α (architecture), held-out validation, optional adversarial copies. */
export interface SearchData {
  weights: Split;
  alpha: Split;
  validation: Split;
  adversarial?: Split;
  /** Drifted validation images (accDrift). */
  drift?: Split;
}

/** A batch on the device; whoever gathers it disposes it (`disposeBatch`). */
export interface Batch {
  x: tf.Tensor4D;
  labels: tf.Tensor1D;
  size: number;
  /** Teacher probabilities [size, classes] and the 0/1 row mask [size], when the split has them. */
  teacher?: { probabilities: tf.Tensor2D; mask: tf.Tensor1D };
}

const SPLIT_NAMES = ['weights', 'alpha', 'validation', 'adversarial', 'drift'] as const;

/** Checks every split is consistent and all share one [h, w, c]; returns that shape. */
export function validateSearchData(data: SearchData): [number, number, number] {
  const [, h, w, c] = data.weights.shape;
  for (const name of SPLIT_NAMES) {
    const split = data[name];
    if (!split) continue;
    const [n, sh, sw, sc] = split.shape;
    const fail = (message: string, fix: string): never => {
      throw new LabError(`Search data, ${name} split: ${message}`, { field: name, fix });
    };
    if (n < 1) fail('it is empty.', 'Give every split at least one example (more than the batch size is better).');
    if (sh !== h || sw !== w || sc !== c) fail(`shape [${sh},${sw},${sc}] differs from the weights split [${h},${w},${c}].`, 'Cache every split at the same block input.');
    if (split.inputs.length !== n * sh * sw * sc) fail(`${split.inputs.length} values do not fill shape [${split.shape}].`, 'Pass the cached activations with their true shape.');
    if (split.labels.length !== n) fail(`${split.labels.length} labels for ${n} examples.`, 'Give one label per example.');
    if (split.isFailure && split.isFailure.length !== n) fail(`${split.isFailure.length} failure flags for ${n} examples.`, 'Give one flag per example.');
    if (split.labels.some((label) => label < 0)) fail('labels must be class indices ≥ 0.', 'Use integer class labels.');
  }
  return [h, w, c];
}

/** Copies the rows `indices` of `split` into one device batch (never the whole split). */
export function gatherBatch(split: Split, indices: readonly number[]): Batch {
  const [, h, w, c] = split.shape;
  const row = h * w * c;
  const values = new Float32Array(indices.length * row);
  const labels = new Int32Array(indices.length);
  indices.forEach((index, i) => {
    values.set(split.inputs.subarray(index * row, (index + 1) * row), i * row);
    labels[i] = split.labels[index];
  });
  const batch: Batch = { x: tf.tensor4d(values, [indices.length, h, w, c]), labels: tf.tensor1d(labels, 'int32'), size: indices.length };
  const t = split.teacher;
  if (t) {
    const probabilities = new Float32Array(indices.length * t.classes);
    indices.forEach((index, i) => probabilities.set(t.probabilities.subarray(index * t.classes, (index + 1) * t.classes), i * t.classes));
    batch.teacher = { probabilities: tf.tensor2d(probabilities, [indices.length, t.classes]), mask: tf.tensor1d(Float32Array.from(indices, (index) => t.mask[index])) };
  }
  return batch;
}

export function disposeBatch(batch: Batch): void {
  batch.x.dispose();
  batch.labels.dispose();
  if (batch.teacher) tf.dispose([batch.teacher.probabilities, batch.teacher.mask]);
}

/** Consecutive chunks of `order` of at most `batchSize` (for evaluation passes). */
export function chunks(order: readonly number[], batchSize: number): number[][] {
  const out: number[][] = [];
  for (let start = 0; start < order.length; start += batchSize) out.push(order.slice(start, start + batchSize));
  return out;
}

/** Indices 0..n-1 where `keep` holds. */
export function indicesWhere(n: number, keep: (i: number) => boolean): number[] {
  return Array.from({ length: n }, (_, i) => i).filter(keep);
}

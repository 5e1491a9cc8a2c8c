import * as tf from '@tensorflow/tfjs';
import { LabError } from '../errors';
import type { TensorData } from '../types';
import type { Optimizer } from './optimizers';

/** An optimiser as plain data. */
export interface OptimizerState {
  iterations: number;
  learningRate: number;
  slots: TensorData[];
}

/**
 * Everything needed to resume a search exactly, as plain data (cloneable, storable in
 * IndexedDB): α, cell (+ trainable suffix) weights, BN running statistics, both
 * optimisers' slots, the epoch reached and the shuffling RNG state.
 */
export interface SearchState {
  version: 1;
  epoch: number;
  rngState: number;
  alpha: TensorData;
  weights: TensorData[];
  buffers: TensorData[];
  alphaOptimizer: OptimizerState;
  weightsOptimizer: OptimizerState;
}

/** Reads a float32 tensor into TensorData (one `await data()`). */
export async function toTensorData(t: tf.Tensor): Promise<TensorData> {
  const values = (await t.data()) as Float32Array;
  return { shape: [...t.shape], dtype: 'float32', data: values.slice().buffer };
}

/** Reads many tensors (in order). */
export async function toTensorDataList(tensors: readonly tf.Tensor[]): Promise<TensorData[]> {
  return Promise.all(tensors.map(toTensorData));
}

/** Assigns `data` to `variable`, rejecting a shape mismatch with the field name. */
export function assignTensorData(variable: tf.Variable, data: TensorData, field: string): void {
  if (data.dtype !== 'float32' || data.shape.length !== variable.shape.length || data.shape.some((d, i) => d !== variable.shape[i])) {
    throw new LabError(`Search checkpoint: ${field} has shape [${data.shape}] (${data.dtype}), the search expects [${variable.shape}] (float32).`, {
      field,
      fix: 'Resume with the same block, preset and settings the checkpoint was made with.',
    });
  }
  tf.tidy(() => variable.assign(tf.tensor(new Float32Array(data.data), data.shape)));
}

/** Assigns a list, checking the count first. */
export function assignTensorDataList(variables: readonly tf.Variable[], data: readonly TensorData[], field: string): void {
  if (variables.length !== data.length) {
    throw new LabError(`Search checkpoint: ${field} holds ${data.length} tensors, the search has ${variables.length}.`, {
      field,
      fix: 'Resume with the same block, preset and settings the checkpoint was made with.',
    });
  }
  variables.forEach((v, i) => assignTensorData(v, data[i], `${field}[${i}]`));
}

/** An optimiser's state as plain data. */
export async function optimizerState(optimizer: Optimizer): Promise<OptimizerState> {
  return { iterations: optimizer.iterations, learningRate: optimizer.learningRate, slots: await toTensorDataList(optimizer.slots) };
}

/** Restores an optimiser from plain data. */
export function restoreOptimizer(optimizer: Optimizer, state: OptimizerState, field: string): void {
  assignTensorDataList(optimizer.slots, state.slots, `${field}.slots`);
  optimizer.iterations = state.iterations;
  optimizer.learningRate = state.learningRate;
}

import type * as tf from '@tensorflow/tfjs';
import type { HeapBackend } from './heap';

/** Kernel names of the training batch norm (ops/norm.ts normalizeBatch) where a backend has them (wasm). */
export const BATCH_NORM_TRAIN = 'ArchRepairBatchNormTrain';
export const BATCH_NORM_TRAIN_GRAD = 'ArchRepairBatchNormTrainGrad';

/** Per-channel mean and biased variance of an NHWC (or any channels-last) float32 tensor, two passes, float64 sums. */
function moments(src: Float32Array, channels: number, total: number): { mean: Float64Array; variance: Float64Array } {
  const count = total / channels;
  const mean = new Float64Array(channels);
  const variance = new Float64Array(channels);
  for (let c = 0; c < channels; c++) {
    let sum = 0;
    for (let j = c; j < total; j += channels) sum += src[j];
    const m = sum / count;
    let squares = 0;
    for (let j = c; j < total; j += channels) squares += (src[j] - m) * (src[j] - m);
    mean[c] = m;
    variance[c] = squares / count;
  }
  return { mean, variance };
}

/**
 * Batch norm with batch statistics over every axis but the last, on the wasm heap: y = (x − μ)·s,
 * s = (σ² + ε)^−½; outputs [y, μ, σ², s]. One kernel for what the composite runs as seven, each a
 * pass over the activation.
 */
export function batchNormTrainOnHeap(backend: HeapBackend, x: tf.TensorInfo, epsilon: number): tf.TensorInfo[] {
  const channels = x.shape[x.shape.length - 1];
  const outs = [backend.makeOutput(x.shape, 'float32'), ...[0, 1, 2].map(() => backend.makeOutput([channels], 'float32'))];
  const [y, meanOut, varianceOut, scaleOut] = outs.map((t) => backend.typedArrayFromHeap(t) as Float32Array);
  const src = backend.typedArrayFromHeap(x) as Float32Array;
  const total = src.length;
  const { mean, variance } = moments(src, channels, total);
  for (let c = 0; c < channels; c++) {
    const s = 1 / Math.sqrt(variance[c] + epsilon);
    meanOut[c] = mean[c];
    varianceOut[c] = variance[c];
    scaleOut[c] = s;
    const m = mean[c];
    for (let j = c; j < total; j += channels) y[j] = (src[j] - m) * s;
  }
  return outs;
}

/** dx = s·(dy − mean(dy) − y·mean(dy·y)) per channel, on the wasm heap (the composite runs seven kernels). */
export function batchNormTrainGradOnHeap(backend: HeapBackend, dy: tf.TensorInfo, y: tf.TensorInfo, scale: tf.TensorInfo): tf.TensorInfo {
  const out = backend.makeOutput(dy.shape, 'float32');
  const [dx, g, ys, s] = [out, dy, y, scale].map((t) => backend.typedArrayFromHeap(t) as Float32Array);
  const channels = s.length;
  const total = g.length;
  const count = total / channels;
  for (let c = 0; c < channels; c++) {
    let sumDy = 0;
    let sumDyY = 0;
    for (let j = c; j < total; j += channels) {
      sumDy += g[j];
      sumDyY += g[j] * ys[j];
    }
    const [meanDy, meanDyY, sc] = [sumDy / count, sumDyY / count, s[c]];
    for (let j = c; j < total; j += channels) dx[j] = sc * (g[j] - meanDy - ys[j] * meanDyY);
  }
  return out;
}

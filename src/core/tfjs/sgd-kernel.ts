import type * as tf from '@tensorflow/tfjs';
import type { HeapBackend } from './heap';

/** Kernel names of the weight step (search/optimizers.ts) where a backend has them (wasm). */
export const SUM_OF_SQUARES = 'ArchRepairSumOfSquares';
export const SGD_STEP = 'ArchRepairSgdStep';

/** Σ x² over every input, as a float32 scalar (float64 sums): the global norm² of a gradient list in one kernel. */
export function sumOfSquaresOnHeap(backend: HeapBackend, inputs: readonly tf.TensorInfo[]): tf.TensorInfo {
  const out = backend.makeOutput([], 'float32');
  let sum = 0;
  for (const t of inputs) {
    const v = backend.typedArrayFromHeap(t) as Float32Array;
    for (let i = 0; i < v.length; i++) sum += v[i] * v[i];
  }
  (backend.typedArrayFromHeap(out) as Float32Array)[0] = sum;
  return out;
}

/**
 * One SGD step of one variable, as PyTorch's SGD after clip_grad_norm_: g ← scale·g + wd·w;
 * b ← μ·b + g; w ← w − lr·b. Outputs [w, b], one pass for the six kernels it replaces.
 */
export function sgdStepOnHeap(backend: HeapBackend, w: tf.TensorInfo, b: tf.TensorInfo, g: tf.TensorInfo, scale: tf.TensorInfo, hp: { learningRate: number; momentum: number; weightDecay: number }): tf.TensorInfo[] {
  const outs = [backend.makeOutput(w.shape, 'float32'), backend.makeOutput(b.shape, 'float32')];
  const [wOut, bOut, ws, bs, gs, sc] = [...outs, w, b, g, scale].map((t) => backend.typedArrayFromHeap(t) as Float32Array);
  const k = sc[0];
  const { learningRate: lr, momentum: mu, weightDecay: wd } = hp;
  for (let i = 0; i < ws.length; i++) {
    const buffer = mu * bs[i] + (k * gs[i] + wd * ws[i]);
    bOut[i] = buffer;
    wOut[i] = ws[i] - lr * buffer;
  }
  return outs;
}

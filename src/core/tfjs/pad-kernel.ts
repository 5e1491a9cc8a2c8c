import * as tf from '@tensorflow/tfjs';
import type { HeapBackend } from './heap';
import { copyRun, forEachRun } from './runs';

/**
 * tf.pad (constant) of a numeric tensor as a fill and one copy loop over the wasm
 * heap: trailing dimensions without padding merge into one contiguous run. On the supernet's
 * few-channel activations this ran 2–6× faster than wasm's own PadV2 (4.22).
 */
export function padOnHeap(backend: HeapBackend, x: tf.TensorInfo, paddings: readonly (readonly [number, number])[], constantValue: number): tf.TensorInfo {
  const shape = x.shape;
  const outShape = shape.map((d, i) => paddings[i][0] + d + paddings[i][1]);
  const out = backend.makeOutput(outShape, x.dtype);
  const dst = backend.typedArrayFromHeap(out);
  dst.fill(constantValue);
  const count = shape.reduce((a, b) => a * b, 1);
  if (count === 0) return out;
  const src = backend.typedArrayFromHeap(x);
  const strides = [...tf.util.computeStrides(outShape), 1];
  // Dimensions after `last` have no padding, so dimension `last` onwards is one run in both tensors.
  let last = shape.length - 1;
  while (last > 0 && paddings[last][0] === 0 && paddings[last][1] === 0) last--;
  const run = shape[last] * strides[last];
  const first = paddings.reduce((sum, [before], d) => sum + before * strides[d], 0);
  forEachRun(shape, strides, last, first, (offset, i) => copyRun(dst, offset, src, i * run, run));
  return out;
}

import * as tf from '@tensorflow/tfjs';
import type { HeapBackend } from './heap';
import { copyRun, forEachRun } from './runs';

/**
 * tf.slice of a numeric tensor as one copy loop over the wasm heap. wasm's own Slice (4.22) first
 * copies the whole input off the heap and then makes a subarray per innermost row, which on the
 * supernet's few-channel activations is one allocation per pixel. Here trailing dimensions taken
 * whole merge into one contiguous run, and short runs are copied element by element.
 */
export function sliceOnHeap(backend: HeapBackend, x: tf.TensorInfo, begin: number | number[], size?: number | number[]): tf.TensorInfo {
  const [start, extent] = tf.slice_util.parseSliceParams(x as tf.Tensor, begin, size);
  const out = backend.makeOutput(extent, x.dtype);
  const count = extent.reduce((a, b) => a * b, 1);
  if (count === 0) return out;
  const dst = backend.typedArrayFromHeap(out);
  const src = backend.typedArrayFromHeap(x);
  const shape = x.shape;
  const rank = shape.length;
  const strides = [...tf.util.computeStrides(shape), 1];
  // Dimensions after `last` are taken whole, so dimension `last` onwards is one contiguous run.
  let last = rank - 1;
  while (last > 0 && extent[last] === shape[last]) last--;
  const run = extent[last] * strides[last];
  const first = start.slice(0, last + 1).reduce((sum, b, d) => sum + b * strides[d], 0);
  forEachRun(extent, strides, last, first, (offset, i) => copyRun(dst, i * run, src, offset, run));
  return out;
}

/** tf.split along `axis` into pieces of `sizes` (wasm's own SplitV calls wasm's own Slice). */
export function splitOnHeap(backend: HeapBackend, x: tf.TensorInfo, sizes: readonly number[], axis: number): tf.TensorInfo[] {
  const begin = new Array<number>(x.shape.length).fill(0);
  return sizes.map((s) => {
    const size = [...x.shape];
    size[axis] = s;
    const piece = sliceOnHeap(backend, x, [...begin], size);
    begin[axis] += s;
    return piece;
  });
}

/**
 * tf.concat of numeric tensors along `axis` on the heap: per outer index, one run of each input
 * (wasm's own makes a subarray per run, one per pixel when joining few channels).
 */
export function concatOnHeap(backend: HeapBackend, inputs: readonly tf.TensorInfo[], axis: number): tf.TensorInfo {
  const outShape = [...inputs[0].shape];
  outShape[axis] = inputs.reduce((sum, t) => sum + t.shape[axis], 0);
  const out = backend.makeOutput(outShape, inputs[0].dtype);
  const dst = backend.typedArrayFromHeap(out);
  const parts = inputs.filter((t) => t.shape.every((d) => d > 0));
  const runs = parts.map((t) => t.shape.slice(axis).reduce((a, b) => a * b, 1));
  const srcs = parts.map((t) => backend.typedArrayFromHeap(t));
  const outer = outShape.slice(0, axis).reduce((a, b) => a * b, 1);
  let written = 0;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < srcs.length; i++) {
      copyRun(dst, written, srcs[i], o * runs[i], runs[i]);
      written += runs[i];
    }
  }
  return out;
}

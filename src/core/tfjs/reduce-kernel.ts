import * as tf from '@tensorflow/tfjs';
import type { HeapBackend } from './heap';

/** Up to this many kept elements, strided passes with scalar accumulators beat an accumulator array. */
const FEW_KEPT = 64;

/**
 * The number of leading axes `axis` names when it names exactly axes 0..k−1 of a rank-`rank`
 * tensor with k < rank (a per-channel reduction over N, H, W of NHWC), else null.
 */
export function leadingAxes(axis: number | number[], rank: number): number | null {
  const axes = [...new Set(tf.util.parseAxisParam(axis, new Array(rank).fill(1)))].sort((a, b) => a - b);
  const k = axes.length;
  return k > 0 && k < rank && axes.every((a, i) => a === i) ? k : null;
}

/**
 * Sum or mean of a float32 tensor over its first `k` axes, over the wasm heap with float64
 * accumulators (a JS number). wasm's own Sum and Mean (4.22) first transpose the reduced axes to the
 * end, a full copy of every activation that a batch norm reduces per channel.
 */
export function reduceLeadingOnHeap(backend: HeapBackend, x: tf.TensorInfo, k: number, kind: 'sum' | 'mean', keepDims: boolean): tf.TensorInfo {
  const shape = x.shape;
  const kept = shape.slice(k);
  const inner = kept.reduce((a, b) => a * b, 1);
  const outer = shape.slice(0, k).reduce((a, b) => a * b, 1);
  const out = backend.makeOutput(keepDims ? [...new Array(k).fill(1), ...kept] : kept, 'float32');
  const dst = backend.typedArrayFromHeap(out);
  const src = backend.typedArrayFromHeap(x);
  const total = outer * inner;
  const scale = kind === 'mean' ? 1 / outer : 1;
  if (inner <= FEW_KEPT) {
    // One strided pass per kept element with a scalar accumulator (the per-channel case).
    for (let i = 0; i < inner; i++) {
      let acc = 0;
      for (let j = i; j < total; j += inner) acc += src[j];
      dst[i] = acc * scale;
    }
  } else {
    const acc = new Float64Array(inner);
    for (let base = 0; base < total; base += inner) for (let i = 0; i < inner; i++) acc[i] += src[base + i];
    for (let i = 0; i < inner; i++) dst[i] = acc[i] * scale;
  }
  return out;
}

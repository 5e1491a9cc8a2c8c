import * as tf from '@tensorflow/tfjs';
import type { HeapBackend } from './heap';
import type { Pad, Pair, Rounding } from './window';

/**
 * dL/dx of maxPool (NHWC, float32) as one loop over the wasm heap: dy [N,Ho,Wo,C], x [N,H,W,C]
 * → [N,H,W,C]. Each window's gradient goes to its first maximum in row-major tap order (padding
 * never wins), as tfjs's cpu backend does. wasm's own kernel (4.22) is wrong when a window holds
 * only negative values, and the same gradient composed from tensor ops ran ~60 small kernels per
 * call (a slice, masks and a pad per tap), 5–9× slower on the supernet's tensors.
 */
export function maxPoolGradOnHeap(backend: HeapBackend, dy: tf.TensorInfo, x: tf.TensorInfo, filterSize: Pair, strides: Pair, pad: Pad, rounding?: Rounding): tf.TensorInfo {
  const info = tf.backend_util.computePool2DInfo(x.shape as [number, number, number, number], filterSize as [number, number], strides as [number, number], 1, pad, rounding);
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: c, outHeight: oh, outWidth: ow, strideHeight: sh, strideWidth: sw, filterHeight: fh, filterWidth: fw } = info;
  const { top, left } = info.padInfo;
  // Output first: allocating can grow the heap, which detaches views taken before.
  const out = backend.makeOutput(x.shape, 'float32');
  const [dx, xs, dys] = [out, x, dy].map((t) => backend.typedArrayFromHeap(t) as Float32Array);
  dx.fill(0);
  const best = new Float32Array(c);
  const at = new Int32Array(c);
  for (let b = 0; b < n; b++) {
    for (let yo = 0; yo < oh; yo++) {
      const [i0, i1] = [Math.max(0, yo * sh - top), Math.min(h, yo * sh - top + fh)];
      for (let xo = 0; xo < ow; xo++) {
        const [j0, j1] = [Math.max(0, xo * sw - left), Math.min(w, xo * sw - left + fw)];
        best.fill(-Infinity);
        at.fill(-1);
        // Taps in row-major order, channels innermost (contiguous); strict > keeps the first maximum.
        for (let i = i0; i < i1; i++) {
          for (let j = j0; j < j1; j++) {
            const base = ((b * h + i) * w + j) * c;
            for (let k = 0; k < c; k++) {
              const v = xs[base + k];
              if (v > best[k]) {
                best[k] = v;
                at[k] = base + k;
              }
            }
          }
        }
        const dyBase = ((b * oh + yo) * ow + xo) * c;
        for (let k = 0; k < c; k++) if (at[k] >= 0) dx[at[k]] += dys[dyBase + k];
      }
    }
  }
  return out;
}

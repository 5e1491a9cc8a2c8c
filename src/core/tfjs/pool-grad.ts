import * as tf from '@tensorflow/tfjs';
import { cropToInput, geometry, pair, reach, upsampleZeros, type Geometry, type Pad, type Pair, type Rounding } from './window';

/**
 * Composite, backend-independent maxPool backprop (NHWC). Masks are float arithmetic
 * (sub/step/mul) rather than equal/logical ops: wasm's broadcasting Equal was ~30× slower here.
 * Call inside tf.tidy.
 */

/**
 * dL/dx of maxPool: dy and y [N,Ho,Wo,C], x [N,H,W,C] → [N,H,W,C]. Each window's gradient goes
 * to its first maximum in row-major order, as tfjs's cpu backend does.
 */
export function maxPoolGrad(dy: tf.Tensor4D, x: tf.Tensor4D, y: tf.Tensor4D, filterSize: Pair, strides: Pair, pad: Pad, rounding?: Rounding): tf.Tensor4D {
  const [fh, fw] = pair(filterSize);
  const g = geometry(x.shape, fh, fw, strides, 1, pad, rounding);
  const tiles = g.sh === fh && g.sw === fw && g.top === 0 && g.left === 0 && g.outH * fh <= x.shape[1] && g.outW * fw <= x.shape[2];
  return tiles ? tiledMaxPoolGrad(dy, x, y, g) : overlappingMaxPoolGrad(dy, x, y, g);
}

/** 1 where t ≤ 0, else 0. Since y ≥ every value v of its window, notPositive(y − v) marks the maxima. */
function notPositive(t: tf.Tensor): tf.Tensor {
  return tf.sub(1, tf.step(t));
}

/** Windows that tile the input (filter = stride, no padding): regroup, mask, regroup back. */
function tiledMaxPoolGrad(dy: tf.Tensor4D, x: tf.Tensor4D, y: tf.Tensor4D, g: Geometry): tf.Tensor4D {
  const [n, h, w, c] = x.shape;
  const [hc, wc, cells] = [g.outH * g.fh, g.outW * g.fw, n * g.outH * g.outW];
  const covered = hc === h && wc === w ? x : tf.slice(x, [0, 0, 0, 0], [n, hc, wc, c]);
  // [N·Ho, fh, Wo, fw·C] → [N·Ho·Wo, fh·fw, C]: each window's values in row-major tap order.
  const windows = tf.reshape(tf.transpose(tf.reshape(covered, [n * g.outH, g.fh, g.outW, g.fw * c]), [0, 2, 1, 3]), [cells, g.fh * g.fw, c]);
  const isMax = notPositive(tf.sub(tf.reshape(y, [cells, 1, c]), windows));
  const first = tf.mul(isMax, notPositive(tf.cumsum(isMax, 1, true)));
  const grads = tf.mul(first, tf.reshape(dy, [cells, 1, c]));
  const back: tf.Tensor4D = tf.reshape(tf.transpose(tf.reshape(grads, [n * g.outH, g.outW, g.fh, g.fw * c]), [0, 2, 1, 3]), [n, hc, wc, c]);
  return hc === h && wc === w ? back : tf.pad(back, [[0, 0], [0, h - hc], [0, w - wc], [0, 0]]);
}

/** Any windows: one masked copy of dy per tap, spread back by the stride and summed. */
function overlappingMaxPoolGrad(dy: tf.Tensor4D, x: tf.Tensor4D, y: tf.Tensor4D, g: Geometry): tf.Tensor4D {
  const xp = padForWindows(x, g, -Infinity);
  let maximaSoFar: tf.Tensor | null = null;
  const parts: tf.Tensor4D[] = [];
  for (let i = 0; i < g.fh; i++) {
    for (let j = 0; j < g.fw; j++) {
      const isMax = notPositive(tf.sub(y, tapView(xp, g, i, j)));
      const first = maximaSoFar ? tf.mul(isMax, notPositive(maximaSoFar)) : isMax;
      maximaSoFar = maximaSoFar ? tf.add(maximaSoFar, isMax) : isMax;
      const spread = upsampleZeros(tf.mul(dy, first), g.sh, g.sw);
      parts.push(tf.pad(spread, [[0, 0], [i, g.fh - 1 - i], [j, g.fw - 1 - j], [0, 0]]));
    }
  }
  return cropToInput(parts.length === 1 ? parts[0] : tf.addN(parts), g, x.shape[1], x.shape[2]);
}

/**
 * Pads x so that every window lies inside it, with height and width rounded up to multiples of
 * the strides so that tapView can reshape instead of using a strided slice.
 */
function padForWindows(x: tf.Tensor4D, g: Geometry, value: number): tf.Tensor4D {
  const [needH, needW] = reach(g);
  const roundUp = (size: number, step: number) => Math.ceil(size / step) * step;
  const bottom = roundUp(Math.max(needH, g.top + x.shape[1]), g.sh) - g.top - x.shape[1];
  const right = roundUp(Math.max(needW, g.left + x.shape[2]), g.sw) - g.left - x.shape[2];
  if (g.top === 0 && g.left === 0 && bottom === 0 && right === 0) return x;
  return tf.pad(x, [[0, 0], [g.top, bottom], [g.left, right], [0, 0]], value);
}

/**
 * The input values that window tap (i, j) sees at every output position: [N, outH, outW, C].
 * Strided taps are plain slices of a reshaped view (wasm's stridedSlice was ~10× slower here).
 */
function tapView(xp: tf.Tensor4D, g: Geometry, i: number, j: number): tf.Tensor4D {
  const [n, hp, wp, c] = xp.shape;
  if (g.sh === 1 && g.sw === 1) return tf.slice(xp, [0, i, j, 0], [n, g.outH, g.outW, c]);
  // [N, Hp/sh, sh, Wp·C]: padded row i + sh·k sits at (k + ⌊i/sh⌋, i mod sh); likewise columns.
  const rows = tf.slice(tf.reshape(xp, [n, hp / g.sh, g.sh, wp * c]), [0, Math.floor(i / g.sh), i % g.sh, 0], [n, g.outH, 1, wp * c]);
  const cols = tf.reshape(rows, [n * g.outH, wp / g.sw, g.sw, c]);
  const tap = tf.slice(cols, [0, Math.floor(j / g.sw), j % g.sw, 0], [n * g.outH, g.outW, 1, c]);
  return tf.reshape(tap, [n, g.outH, g.outW, c]);
}

import * as tf from '@tensorflow/tfjs';

/**
 * Window arithmetic shared by the composite backprop ops (conv-grad.ts, pool-grad.ts): where the
 * windows of an NHWC conv/pool lie, and how to move values between input and window coordinates
 * with rank ≤ 4 tensors only (rank-5/6 pad is wrong on WebGPU).
 */

/** tfjs conv/pool padding. */
export type Pad = 'valid' | 'same' | number | [[number, number], [number, number], [number, number], [number, number]];
/** tfjs rounding of output sizes for numeric padding. */
export type Rounding = 'floor' | 'round' | 'ceil' | undefined;
/** A stride, dilation or window size: one number for both axes, or [height, width]. */
export type Pair = number | number[];
/** An NHWC tensor shape or an HWIO filter shape. */
export type Shape4 = [number, number, number, number];

/** Window geometry of one conv/pool: padding before the input, output size, strides, dilations. */
export interface Geometry {
  top: number; left: number; outH: number; outW: number;
  sh: number; sw: number; dh: number; dw: number; fh: number; fw: number;
}

/** A stride/dilation/window size as [height, width]; absent means 1. */
export function pair(value: Pair | undefined): [number, number] {
  if (value == null) return [1, 1];
  return typeof value === 'number' ? [value, value] : [value[0], value[1] ?? value[0]];
}

/** Geometry of a conv/pool window over an NHWC input, from tfjs's own padding rules. */
export function geometry(xShape: Shape4, fh: number, fw: number, strides: Pair, dilations: Pair, pad: Pad, rounding: Rounding): Geometry {
  const info = tf.backend_util.computeConv2DInfo(xShape, [fh, fw, xShape[3], 1], pair(strides), pair(dilations), pad, rounding);
  return {
    top: info.padInfo.top, left: info.padInfo.left, outH: info.outHeight, outW: info.outWidth,
    sh: info.strideHeight, sw: info.strideWidth, dh: info.dilationHeight, dw: info.dilationWidth, fh, fw,
  };
}

/** Rows/columns of the padded input that some window touches. */
export function reach(g: Geometry): [number, number] {
  return [(g.outH - 1) * g.sh + (g.fh - 1) * g.dh + 1, (g.outW - 1) * g.sw + (g.fw - 1) * g.dw + 1];
}

/**
 * Pads (or leaves) x so that it starts at the first window row/column and reaches the last one;
 * rows past the last window (valid padding) are left in place and ignored by the caller.
 */
export function padToWindows(x: tf.Tensor4D, g: Geometry): tf.Tensor4D {
  const [needH, needW] = reach(g);
  const bottom = Math.max(0, needH - g.top - x.shape[1]);
  const right = Math.max(0, needW - g.left - x.shape[2]);
  if (g.top === 0 && g.left === 0 && bottom === 0 && right === 0) return x;
  return tf.pad(x, [[0, 0], [g.top, bottom], [g.left, right], [0, 0]]);
}

/** Inserts sh-1 zero rows and sw-1 zero columns between samples: [N,H,W,C] → [N,(H-1)sh+1,(W-1)sw+1,C]. */
export function upsampleZeros(t: tf.Tensor4D, sh: number, sw: number): tf.Tensor4D {
  let [n, h, w, c] = t.shape;
  let u = t;
  if (sh > 1) {
    const rows = tf.pad(tf.reshape(u, [n * h, 1, w * c]), [[0, 0], [0, sh - 1], [0, 0]]);
    u = tf.slice(tf.reshape(rows, [n, h * sh, w, c]), [0, 0, 0, 0], [n, (h - 1) * sh + 1, w, c]) as tf.Tensor4D;
    h = (h - 1) * sh + 1;
  }
  if (sw > 1) {
    const cols = tf.pad(tf.reshape(u, [n * h * w, 1, c]), [[0, 0], [0, sw - 1], [0, 0]]);
    u = tf.slice(tf.reshape(cols, [n, h, w * sw, c]), [0, 0, 0, 0], [n, h, (w - 1) * sw + 1, c]) as tf.Tensor4D;
  }
  return u;
}

/** Maps a gradient over the padded input (starting at padded row/col 0) back onto the input. */
export function cropToInput(full: tf.Tensor4D, g: Geometry, h: number, w: number): tf.Tensor4D {
  const [n, fullH, fullW, c] = full.shape;
  const bottom = Math.max(0, g.top + h - fullH);
  const right = Math.max(0, g.left + w - fullW);
  const grown = bottom > 0 || right > 0 ? tf.pad(full, [[0, 0], [0, bottom], [0, right], [0, 0]]) : full;
  return tf.slice(grown, [0, g.top, g.left, 0], [n, h, w, c]);
}

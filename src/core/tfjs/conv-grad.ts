import * as tf from '@tensorflow/tfjs';
import { cropToInput, geometry, padToWindows, upsampleZeros, type Geometry, type Pad, type Pair, type Rounding, type Shape4 } from './window';

/**
 * Composite, backend-independent backprop ops for NHWC conv2d and depthwiseConv2d (any stride,
 * padding and dilation), built from forward convolutions, transposes, pads and slices, which
 * every backend has and wasm runs fast. Call inside tf.tidy.
 */

/**
 * dL/dfilter of conv2d: x [N,H,W,Ci], dy [N,Ho,Wo,Co] → [fh,fw,Ci,Co]. Computed as one conv2d
 * with batch and channels swapped: input xᵀ [Ci,Hp,Wp,N], filter dyᵀ [Ho,Wo,N,Co], the forward
 * stride as its dilation and the forward dilation as its stride (3–7× faster on wasm than a
 * matMul per tap over slices).
 */
export function conv2dFilterGrad(x: tf.Tensor4D, dy: tf.Tensor4D, filterShape: Shape4, strides: Pair, pad: Pad, dilations: Pair, rounding?: Rounding): tf.Tensor4D {
  const [fh, fw, ci, co] = filterShape;
  const g = geometry(x.shape, fh, fw, strides, dilations, pad, rounding);
  const xT = tf.transpose(padToWindows(x, g), [3, 1, 2, 0]) as tf.Tensor4D;
  const dyT = tf.transpose(dy, [1, 2, 0, 3]) as tf.Tensor4D;
  const out = tf.conv2d(xT, dyT, [g.dh, g.dw], 'valid', 'NHWC', [g.sh, g.sw]);
  return tf.transpose(tf.slice(out, [0, 0, 0, 0], [ci, fh, fw, co]), [1, 2, 0, 3]);
}

/**
 * dL/dfilter of depthwiseConv2d: x [N,H,W,Ci], dy [N,Ho,Wo,Ci·m] → [fh,fw,Ci,m]. The same swap as
 * conv2dFilterGrad with batch folded into channels: a depthwise conv of x as [1,Hp,Wp,N·Ci] with
 * dy as the filter [Ho,Wo,N·Ci,m], then a sum over N.
 */
export function depthwiseFilterGrad(x: tf.Tensor4D, dy: tf.Tensor4D, filterShape: Shape4, strides: Pair, pad: Pad, dilations: Pair, rounding?: Rounding): tf.Tensor4D {
  const [fh, fw, ci, m] = filterShape;
  const n = x.shape[0];
  const g = geometry(x.shape, fh, fw, strides, dilations, pad, rounding);
  const xp = padToWindows(x, g);
  const xT = tf.reshape(tf.transpose(xp, [1, 2, 0, 3]), [1, xp.shape[1], xp.shape[2], n * ci]) as tf.Tensor4D;
  const dyT = tf.reshape(tf.transpose(dy, [1, 2, 0, 3]), [g.outH, g.outW, n * ci, m]) as tf.Tensor4D;
  const out = tf.depthwiseConv2d(xT, dyT, [g.dh, g.dw], 'valid', 'NHWC', [g.sh, g.sw]);
  const taps = tf.slice(out, [0, 0, 0, 0], [1, fh, fw, n * ci * m]);
  return tf.reshape(tf.sum(tf.reshape(taps, [fh * fw, n, ci * m]), 1), filterShape);
}

/** dy zero-upsampled by the stride and padded by the effective filter size − 1 on every side. */
function fullCorrelationInput(dy: tf.Tensor4D, g: Geometry): tf.Tensor4D {
  const ph = (g.fh - 1) * g.dh;
  const pw = (g.fw - 1) * g.dw;
  return tf.pad(upsampleZeros(dy, g.sh, g.sw), [[0, 0], [ph, ph], [pw, pw], [0, 0]]);
}

/**
 * True for a stride-1 window padded equally on both sides with the output the input's size (an odd
 * filter with 'same' padding): then the input gradient is the 'same' convolution of dy with the
 * flipped filter, with no full-size pad of dy and no crop of the result.
 */
function isSymmetricSame(g: Geometry, xShape: Shape4): boolean {
  return g.sh === 1 && g.sw === 1 && g.outH === xShape[1] && g.outW === xShape[2] && 2 * g.top === (g.fh - 1) * g.dh && 2 * g.left === (g.fw - 1) * g.dw;
}

/** dL/dx of conv2d: dy [N,Ho,Wo,Co], filter [fh,fw,Ci,Co] → xShape; a dilated conv2d of dy with the flipped filter. */
export function conv2dInputGrad(xShape: Shape4, dy: tf.Tensor4D, filter: tf.Tensor4D, strides: Pair, pad: Pad, dilations: Pair, rounding?: Rounding): tf.Tensor4D {
  const [fh, fw] = filter.shape;
  const g = geometry(xShape, fh, fw, strides, dilations, pad, rounding);
  const flipped = tf.transpose(tf.reverse(filter, [0, 1]), [0, 1, 3, 2]) as tf.Tensor4D;
  if (isSymmetricSame(g, xShape)) return tf.conv2d(dy, flipped, 1, 'same', 'NHWC', [g.dh, g.dw]);
  const full = tf.conv2d(fullCorrelationInput(dy, g), flipped, 1, 'valid', 'NHWC', [g.dh, g.dw]);
  return cropToInput(full, g, xShape[1], xShape[2]);
}

/** dL/dx of depthwiseConv2d: dy [N,Ho,Wo,Ci·m], filter [fh,fw,Ci,m] → xShape. */
export function depthwiseInputGrad(xShape: Shape4, dy: tf.Tensor4D, filter: tf.Tensor4D, strides: Pair, pad: Pad, dilations: Pair, rounding?: Rounding): tf.Tensor4D {
  const [fh, fw, ci, m] = filter.shape;
  const g = geometry(xShape, fh, fw, strides, dilations, pad, rounding);
  const flipped = tf.reshape(tf.reverse(filter, [0, 1]), [fh, fw, ci * m, 1]) as tf.Tensor4D;
  if (m === 1 && isSymmetricSame(g, xShape)) return tf.depthwiseConv2d(dy, flipped, 1, 'same', 'NHWC', [g.dh, g.dw]);
  let full = tf.depthwiseConv2d(fullCorrelationInput(dy, g), flipped, 1, 'valid', 'NHWC', [g.dh, g.dw]);
  if (m > 1) {
    const [n, h, w] = full.shape;
    full = tf.reshape(tf.sum(tf.reshape(full, [n * h * w, ci, m]), 2), [n, h, w, ci]);
  }
  return cropToInput(full, g, xShape[1], xShape[2]);
}

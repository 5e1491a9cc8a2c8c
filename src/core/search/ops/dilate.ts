import * as tf from '@tensorflow/tfjs';

/** Spreads the rows (axis 0) of a [kh,kw,c,m] kernel `rate` apart, zeros in between. */
function dilateRows(kernel: tf.Tensor4D, rate: number): tf.Tensor4D {
  const [kh, kw, c, m] = kernel.shape;
  const rows = kernel.reshape([kh, 1, kw * c * m]);
  const gaps = tf.zeros([kh, rate - 1, kw * c * m]);
  const spread = tf.concat([rows, gaps], 1).reshape([kh * rate, kw, c, m]);
  return spread.slice([0, 0, 0, 0], [(kh - 1) * rate + 1, kw, c, m]) as tf.Tensor4D;
}

/**
 * Zero-interleaved kernel: [k,k,c,m] → [(k-1)·rate+1, (k-1)·rate+1, c, m], so that a plain
 * (undilated) convolution with it equals the dilated convolution. Built only from reshape,
 * concat, slice and transpose on tensors of rank ≤ 4, which have gradients on every backend
 * (tfjs has none for dilated convs, and rank-5/6 pad is broken on WebGPU).
 */
export function dilateKernel(kernel: tf.Tensor4D, rate: number): tf.Tensor4D {
  if (!Number.isInteger(rate) || rate < 1) throw new RangeError(`Dilation rate must be a positive integer, got ${rate}.`);
  if (rate === 1) return kernel.clone();
  return tf.tidy(() => {
    const tall = dilateRows(kernel, rate);
    const wide = dilateRows(tall.transpose([1, 0, 2, 3]), rate);
    return wide.transpose([1, 0, 2, 3]);
  });
}

/** Dilated depthwise convolution with 'same' padding and any stride, differentiable. */
export function dilatedDepthwiseConv2d(x: tf.Tensor4D, kernel: tf.Tensor4D, stride: number, rate: number): tf.Tensor4D {
  return tf.tidy(() => tf.depthwiseConv2d(x, dilateKernel(kernel, rate), stride, 'same'));
}

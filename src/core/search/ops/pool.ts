import * as tf from '@tensorflow/tfjs';

/** TF 'same' padding [before, after] along one axis for a window `size` and `stride`. */
export function samePadding(length: number, size: number, stride: number): [number, number] {
  const out = Math.ceil(length / stride);
  const total = Math.max((out - 1) * stride + size - length, 0);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

/**
 * 3×3 average pooling with 'same' padding that does not count the padding (TF, Keras and
 * DARTS' count_include_pad=False agree on the values). tfjs 4.22's AvgPoolGrad divides by
 * the full window at the borders too, so its 'same' gradient is wrong; pad explicitly, pool
 * 'valid' (gradient exact) and divide by the in-bounds count, a constant.
 */
export function avgPoolSame(x: tf.Tensor4D, stride: number): tf.Tensor4D {
  return tf.tidy(() => {
    const [, h, w] = x.shape;
    const pads: [number, number][] = [[0, 0], samePadding(h, 3, stride), samePadding(w, 3, stride), [0, 0]];
    const sums = tf.avgPool(x.pad(pads) as tf.Tensor4D, 3, stride, 'valid');
    const counts = tf.avgPool(tf.ones([1, h, w, 1]).pad(pads) as tf.Tensor4D, 3, stride, 'valid');
    return sums.div(counts);
  });
}

/** 3×3 max pooling with 'same' padding (padding never wins); tfjs' gradient is exact here. */
export function maxPoolSame(x: tf.Tensor4D, stride: number): tf.Tensor4D {
  return tf.maxPool(x, 3, stride, 'same');
}

import * as tf from '@tensorflow/tfjs';
import { BATCH_NORM_TRAIN, BATCH_NORM_TRAIN_GRAD } from '../../tfjs/batch-norm-kernel';

/** Reduction axes of a per-channel batch norm on NHWC activations. */
const AXES = [0, 1, 2];

/**
 * Batch normalisation with batch statistics over N,H,W as one op with a hand-written gradient:
 * y = (x − μ)·s, s = (σ² + ε)^−½ (biased variance, as PyTorch's BN in training), and
 * dx = s·(dy − mean(dy) − y·mean(dy·y)). Autodiff through tf.moments, sub, div and sqrt runs
 * about three times as many kernels forward and backward (each a dispatch on the small
 * tensors of the supernet); this one runs 7 forward and 7 backward, and on wasm one each
 * (tfjs/batch-norm-kernel.ts).
 * `onMoments` receives the batch mean and variance (for the running statistics); it runs
 * inside the op, off the gradient tape, and must not keep the tensors it gets (assign copies).
 */
export function normalizeBatch(x: tf.Tensor4D, epsilon: number, onMoments?: (mean: tf.Tensor1D, variance: tf.Tensor1D) => void): tf.Tensor4D {
  // customGrad's typing passes inputs and `save` as one rest list.
  const onHeap = tf.getKernel(BATCH_NORM_TRAIN, tf.getBackend()) !== undefined;
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const input = args[0] as tf.Tensor;
    const save = args[1] as tf.GradSaveFunc;
    if (onHeap) {
      const [y, mean, variance, scale] = tf.engine().runKernel(BATCH_NORM_TRAIN, { x: input }, { epsilon }) as tf.Tensor[];
      onMoments?.(mean as tf.Tensor1D, variance as tf.Tensor1D);
      save([y, scale]);
      return { value: y, gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.engine().runKernel(BATCH_NORM_TRAIN_GRAD, { dy, y: saved[0], scale: saved[1] }, {}) as tf.Tensor };
    }
    const mean = tf.mean(input, AXES) as tf.Tensor1D;
    const centred = tf.sub(input, mean);
    const variance = tf.mean(tf.square(centred), AXES) as tf.Tensor1D;
    const scale = tf.rsqrt(tf.add(variance, epsilon));
    const y = tf.mul(centred, scale);
    onMoments?.(mean, variance);
    save([y, scale]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [out, s] = saved;
        const meanDy = tf.mean(dy, AXES);
        const meanDyY = tf.mean(tf.mul(dy, out), AXES);
        return tf.mul(tf.sub(tf.sub(dy, meanDy), tf.mul(out, meanDyY)), s);
      },
    };
  });
  return op(x) as tf.Tensor4D;
}

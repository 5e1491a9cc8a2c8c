import * as tf from '@tensorflow/tfjs';
import type { OutputKind } from './instrumented';

/** Smallest probability fed to log(), so a saturated softmax gives a finite loss. */
const PROB_FLOOR = 1e-7;

/**
 * Per-example cross-entropy [N] of a classifier output [N, classes] against int labels [N].
 * Works on logits (log-softmax) or on probabilities from a softmax output layer (log p).
 */
export function crossEntropyPerExample(output: tf.Tensor2D, labels: tf.Tensor1D, kind: OutputKind): tf.Tensor1D {
  return tf.tidy(() => {
    const oneHot = tf.oneHot(labels, output.shape[1]);
    const logProbs = kind === 'logits' ? tf.logSoftmax(output) : tf.log(tf.maximum(output, PROB_FLOOR));
    return tf.neg(tf.sum(tf.mul(oneHot, logProbs), 1)) as tf.Tensor1D;
  });
}

/** Sum of the per-example cross-entropies, a scalar. */
export function crossEntropySum(output: tf.Tensor2D, labels: tf.Tensor1D, kind: OutputKind): tf.Scalar {
  return tf.tidy(() => tf.sum(crossEntropyPerExample(output, labels, kind)) as tf.Scalar);
}

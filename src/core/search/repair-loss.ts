import * as tf from '@tensorflow/tfjs';
import type { Batch } from './batches';

/**
 * The one training loss of every repair method (ArchRepair's search and fine-tune, and every
 * baseline): softmax cross-entropy on the batch, plus `distillWeight` × KL(teacher ‖ model) on
 * the rows that carry the original model's probabilities (clean images), so behaviour off the
 * failing distribution stays pinned.
 */
export function repairLoss(logits: tf.Tensor, batch: Batch, distillWeight: number): tf.Scalar {
  return tf.tidy(() => {
    const ce = tf.losses.softmaxCrossEntropy(tf.oneHot(batch.labels, logits.shape[1] ?? 1), logits) as tf.Scalar;
    if (!batch.teacher || distillWeight <= 0) return ce;
    const { probabilities, mask } = batch.teacher;
    const logModel = tf.logSoftmax(logits);
    const perRow = tf.sum(tf.mul(probabilities, tf.sub(tf.log(tf.maximum(probabilities, 1e-8)), logModel)), 1);
    const kl = tf.div(tf.sum(tf.mul(perRow, mask)), tf.maximum(tf.sum(mask), 1));
    return ce.add(kl.mul(distillWeight)) as tf.Scalar;
  });
}

/**
 * Do-no-harm term of the correction cell (our addition): the energy of the correction on the
 * clean rows (`mask` = 1) relative to the repaired block's output there. It is zero when the
 * cell leaves clean images exactly as the original block computed them.
 */
export function correctionPenalty(correction: tf.Tensor, blockOut: tf.Tensor, mask: tf.Tensor1D | undefined): tf.Scalar {
  return tf.tidy(() => {
    if (!mask) return tf.scalar(0);
    const perRow = (t: tf.Tensor) => tf.mean(tf.square(t).reshape([t.shape[0], -1]), 1);
    const energy = tf.sum(tf.mul(perRow(correction), mask));
    const reference = tf.sum(tf.mul(perRow(blockOut), mask));
    return tf.div(energy, tf.add(reference, 1e-6)) as tf.Scalar;
  });
}

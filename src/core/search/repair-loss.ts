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

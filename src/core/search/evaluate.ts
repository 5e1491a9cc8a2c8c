import * as tf from '@tensorflow/tfjs';
import { chunks, disposeBatch, gatherBatch, type Split } from './batches';

/** Logits [n, classes] for a batch of block inputs, in inference mode. */
export type Forward = (x: tf.Tensor4D) => tf.Tensor;

/**
 * Number of rows `indices` of `split` that `forward` classifies correctly, as a device
 * scalar (no read here, so a whole epoch's metrics can be read with one `await data()`).
 */
export function countCorrect(split: Split, indices: readonly number[], batchSize: number, forward: Forward): tf.Scalar {
  let total = tf.scalar(0);
  for (const chunk of chunks(indices, batchSize)) {
    const batch = gatherBatch(split, chunk);
    const next = tf.tidy(() => total.add(tf.equal(tf.argMax(forward(batch.x), 1), batch.labels).sum()));
    total.dispose();
    disposeBatch(batch);
    total = next as tf.Scalar;
  }
  return total;
}

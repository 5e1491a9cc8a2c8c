/** Forward-pass evaluation of a classifier on a Dataset (no training; inference-mode BatchNormalization). */
import * as tf from '@tensorflow/tfjs';
import { imageSize, type Dataset } from '../../src/core/data/dataset';

/** Predicted class per image (argmax of the model output), batch by batch; frees every tensor. */
export async function predictLabels(model: tf.LayersModel, ds: Dataset, batchSize = 500): Promise<Int32Array> {
  const size = imageSize(ds);
  const out = new Int32Array(ds.count);
  for (let start = 0; start < ds.count; start += batchSize) {
    const n = Math.min(batchSize, ds.count - start);
    const argmax = tf.tidy(() => {
      const x = tf.tensor4d(ds.images.subarray(start * size, (start + n) * size), [n, ds.height, ds.width, ds.channels]);
      return (model.predict(x) as tf.Tensor).argMax(-1);
    });
    out.set(await argmax.data(), start);
    argmax.dispose();
  }
  return out;
}

/** Fraction of images whose predicted class equals the label, in [0, 1]. */
export async function accuracy(model: tf.LayersModel, ds: Dataset, batchSize?: number): Promise<number> {
  const predicted = await predictLabels(model, ds, batchSize);
  let correct = 0;
  for (let i = 0; i < ds.count; i++) if (predicted[i] === ds.labels[i]) correct++;
  return correct / Math.max(1, ds.count);
}

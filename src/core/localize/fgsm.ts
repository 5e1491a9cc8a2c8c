import * as tf from '@tensorflow/tfjs';
import { imageSize, type Dataset } from '../data/dataset';
import { yieldToEventLoop, type CancelToken } from '../progress';
import { batchRanges, batchTensors } from './batches';
import type { InstrumentedModel } from './instrumented';
import { crossEntropySum } from './loss';

/**
 * One-step FGSM on a batch: clip(x + ε·sign(∇ₓ L(model(x), y)), 0, 1), [N, H, W, C] in [0, 1].
 * The loss is a sum over examples, so each image moves by the sign of its own gradient.
 */
export function fgsmBatch(model: Pick<InstrumentedModel, 'predict' | 'outputKind'>, x: tf.Tensor4D, y: tf.Tensor1D, epsilon: number): tf.Tensor4D {
  return tf.tidy(() => {
    const gradient = tf.grad((input: tf.Tensor) => crossEntropySum(model.predict(input as tf.Tensor4D), y, model.outputKind))(x);
    return tf.clipByValue(tf.add(x, tf.mul(tf.sign(gradient), epsilon)), 0, 1) as tf.Tensor4D;
  });
}

/** FGSM copies of every example of `ds` (same labels, new pixels), computed in batches. */
export async function adversarialCopies(
  model: Pick<InstrumentedModel, 'predict' | 'outputKind'>,
  ds: Dataset,
  epsilon: number,
  batchSize: number,
  cancel?: CancelToken,
  report?: (done: number) => void,
): Promise<Dataset> {
  const images = new Float32Array(ds.images.length);
  let done = 0;
  for (const [start, end] of batchRanges(ds.count, batchSize)) {
    cancel?.throwIfCancelled('FGSM step');
    const { x, y } = batchTensors(ds, start, end);
    const adv = fgsmBatch(model, x, y, epsilon);
    x.dispose();
    y.dispose();
    try {
      images.set(await adv.data(), start * imageSize(ds));
    } finally {
      adv.dispose();
    }
    done += end - start;
    report?.(done);
    await yieldToEventLoop();
  }
  return { ...ds, name: `${ds.name}-fgsm`, images, labels: ds.labels.slice(), provenance: `${ds.provenance}; FGSM ε=${epsilon}` };
}

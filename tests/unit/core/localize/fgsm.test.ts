import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { adversarialCopies } from '../../../../src/core/localize/fgsm';
import { instrumentLayersModel } from '../../../../src/core/localize/instrumented';
import { chainGraph, quadrantData, tinyCnn, TINY_BLOCKS } from './fixtures';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** The input gradient of the summed cross-entropy, computed independently with tf.losses. */
async function referenceGradient(model: tf.LayersModel, images: Float32Array, labels: Int32Array, isSoftmax: boolean): Promise<Float32Array> {
  const g = tf.tidy(() => {
    const x = tf.tensor4d(images, [labels.length, 8, 8, 1]);
    const y = tf.oneHot(tf.tensor1d(labels, 'int32'), 4);
    return tf.grad((input: tf.Tensor) => {
      const out = model.apply(input, { training: false }) as tf.Tensor2D;
      return isSoftmax ? tf.neg(tf.sum(tf.mul(y, tf.log(out)))) : tf.losses.softmaxCrossEntropy(y, out, undefined, undefined, tf.Reduction.SUM);
    })(x);
  });
  const data = (await g.data()) as Float32Array;
  g.dispose();
  return data;
}

describe('FGSM', () => {
  for (const head of ['linear', 'softmax'] as const) {
    it(`moves each pixel by exactly ε·sign(∇ₓL), clipped to [0, 1] (${head} head)`, async () => {
      const model = tinyCnn(head === 'linear' ? 11 : 12, head);
      const inst = instrumentLayersModel(model, chainGraph(model, TINY_BLOCKS));
      const ds = quadrantData(6, 4);
      // Put some pixels on the edges of [0, 1] so clipping is exercised.
      for (let i = 0; i < ds.images.length; i += 7) ds.images[i] = i % 2 ? 1 : 0;
      const before = tf.memory().numTensors;
      const epsilon = 0.1;
      const adv = await adversarialCopies(inst, ds, epsilon, 4);
      expect(tf.memory().numTensors).toBe(before);
      const grad = await referenceGradient(model, ds.images, ds.labels, head === 'softmax');
      let moved = 0;
      for (let i = 0; i < ds.images.length; i++) {
        const expected = Math.min(1, Math.max(0, ds.images[i] + epsilon * Math.sign(grad[i])));
        expect(adv.images[i]).toBeCloseTo(expected, 6);
        expect(adv.images[i]).toBeGreaterThanOrEqual(0);
        expect(adv.images[i]).toBeLessThanOrEqual(1);
        if (Math.abs(adv.images[i] - ds.images[i]) > 0.09) moved++;
      }
      expect(moved).toBeGreaterThan(ds.images.length / 2);
      expect(Array.from(adv.labels)).toEqual(Array.from(ds.labels));
      model.dispose();
    });
  }
});

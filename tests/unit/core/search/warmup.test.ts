import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { createSearch } from '../../../../src/core/search/bilevel';
import { fixedSuffix, syntheticData } from './fixtures';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('search warm-up (reproducing the original block)', () => {
  it('brings the supernet output closer to the teacher, with ReLU outputs, and frees its tensors', async () => {
    const data = syntheticData(32, 4, 3);
    const { suffix, dispose } = fixedSuffix(4);
    // The "original block": a fixed strided conv with ReLU, [n,4,4,3] → [n,2,2,4].
    const kernel = tf.randomNormal([3, 3, 3, 4], 0, 0.5, 'float32', 5) as tf.Tensor4D;
    const teacher = (x: tf.Tensor4D) => tf.relu(tf.conv2d(x, kernel, 2, 'same'));
    const search = createSearch({ preset: 'lite', outputChannels: 4, stride: 2, batchSize: 8, epochs: 4, seed: 2, outputRelu: true }, data, suffix);
    const before = tf.memory().numTensors;
    const errors = await search.warmup(data.weights, teacher, 12);
    expect(errors).toHaveLength(12);
    expect(errors.at(-1)!).toBeLessThan(errors[0] * 0.9);
    expect(tf.memory().numTensors).toBe(before);
    const metrics = await search.step();
    expect(metrics.epoch).toBe(1);
    search.dispose();
    kernel.dispose();
    dispose();
  });
});

import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../../../../src/core/data/dataset';
import { LabError } from '../../../../src/core/errors';
import { collectFailures, failureExamples, type Classifier } from '../../../../src/core/localize/failures';
import type { Progress } from '../../../../src/core/types';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** A classifier that predicts the class written in pixel 0 (value = class / 10). */
const pixelClassifier: Classifier = {
  predict: (x) => tf.tidy(() => tf.oneHot(tf.cast(tf.round(tf.mul(x.slice([0, 0, 0, 0], [-1, 1, 1, 1]).reshape([-1]), 10)), 'int32'), 3) as tf.Tensor2D),
};

/** 3 classes; `wrong[n]` says whether example n gets a wrong prediction. */
function labelled(labels: number[], wrong: boolean[]): Dataset {
  const count = labels.length;
  const images = new Float32Array(count * 4);
  labels.forEach((label, n) => (images[n * 4] = (wrong[n] ? (label + 1) % 3 : label) / 10));
  return { name: 'toy', images, labels: Int32Array.from(labels), count, height: 2, width: 2, channels: 1, classNames: ['a', 'b', 'c'], provenance: 'test' };
}

describe('collectFailures', () => {
  // 30 examples: classes 0,1,2 repeating; every 4th example is misclassified (8 failures).
  const labels = Array.from({ length: 30 }, (_, n) => n % 3);
  const wrong = labels.map((_, n) => n % 4 === 0);
  const ds = labelled(labels, wrong);

  it('finds every failure, the accuracy and the per-class counts', async () => {
    const before = tf.memory().numTensors;
    const progress: Progress[] = [];
    const set = await collectFailures(pixelClassifier, ds, { batchSize: 7 }, undefined, (p) => progress.push(p));
    expect(tf.memory().numTensors).toBe(before);
    expect(set.failingIndices).toEqual([0, 4, 8, 12, 16, 20, 24, 28]);
    expect(set.failingPredictions).toEqual(set.failingIndices.map((n) => (labels[n] + 1) % 3));
    expect(set.failingTotal).toBe(8);
    expect(set.accuracy).toBeCloseTo(22 / 30, 12);
    expect(set.perClass.map((c) => c.total)).toEqual([10, 10, 10]);
    expect(set.perClass.reduce((n, c) => n + c.correct, 0)).toBe(22);
    expect(progress.at(-1)).toMatchObject({ phase: 'evaluate', done: 30, total: 30 });
    // A matched, class-balanced sample of correct examples.
    expect(set.passingIndices).toHaveLength(8);
    expect(set.passingIndices.every((n) => !wrong[n])).toBe(true);
    const perClass = [0, 1, 2].map((c) => set.passingIndices.filter((n) => labels[n] === c).length);
    expect(Math.max(...perClass) - Math.min(...perClass)).toBeLessThanOrEqual(1);
    expect(set.passingPredictions).toEqual(set.passingIndices.map((n) => labels[n]));
    expect(JSON.parse(JSON.stringify(set))).toEqual(set);
  });

  it('caps the failures with a seeded selection', async () => {
    const a = await collectFailures(pixelClassifier, ds, { cap: 3, seed: 4 });
    const b = await collectFailures(pixelClassifier, ds, { cap: 3, seed: 4 });
    const c = await collectFailures(pixelClassifier, ds, { cap: 3, seed: 5 });
    expect(a.failingIndices).toHaveLength(3);
    expect(a.failingIndices.every((n) => wrong[n])).toBe(true);
    expect(a).toEqual(b);
    expect([a.failingIndices, a.passingIndices]).not.toEqual([c.failingIndices, c.passingIndices]);
    expect(a.failingTotal).toBe(8);
    expect(a.passingIndices).toHaveLength(3);
  });

  it('builds the examples dataset with failures first', async () => {
    const set = await collectFailures(pixelClassifier, ds, { cap: 2 });
    const ex = failureExamples(ds, set);
    expect(ex.count).toBe(4);
    expect(Array.from(ex.labels)).toEqual([...set.failingIndices, ...set.passingIndices].map((n) => labels[n]));
  });

  it('rejects an empty dataset and bad settings', async () => {
    await expect(collectFailures(pixelClassifier, labelled([], []))).rejects.toThrow(LabError);
    await expect(collectFailures(pixelClassifier, ds, { cap: 0 })).rejects.toThrow(/cap/);
  });
});

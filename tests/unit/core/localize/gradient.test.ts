import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { subset } from '../../../../src/core/data/dataset';
import { backwardSpectrum, blockParamCounts } from '../../../../src/core/localize/gradient';
import { instrumentLayersModel, type InstrumentedModel } from '../../../../src/core/localize/instrumented';
import { brokenBlockModel, speckData } from './fixtures';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

async function lossOf(model: InstrumentedModel, x: tf.Tensor4D, label: number): Promise<number> {
  const loss = tf.tidy(() => tf.neg(tf.logSoftmax(model.predict(x)).gather([label], 1).sum()));
  const value = (await loss.data())[0];
  loss.dispose();
  return value;
}

/** ‖∇W_k L‖₁ / |W_k| per block for one example, by central finite differences on every weight. */
async function finiteDifferenceTerm(model: InstrumentedModel, images: Float32Array, label: number): Promise<number[]> {
  const h = 1e-3;
  const x = tf.tensor4d(images, [1, 8, 8, 1]);
  const out: number[] = [];
  for (let k = 0; k < model.numBlocks; k++) {
    let l1 = 0;
    let count = 0;
    for (const v of model.blockWeights(k)) {
      const original = (await v.data()).slice();
      for (let i = 0; i < original.length; i++) {
        const probe = async (delta: number) => {
          const values = original.slice();
          values[i] += delta;
          const t = tf.tensor(values, v.shape);
          v.assign(t);
          t.dispose();
          return lossOf(model, x, label);
        };
        l1 += Math.abs(((await probe(h)) - (await probe(-h))) / (2 * h));
        count++;
      }
      const restore = tf.tensor(original, v.shape);
      v.assign(restore);
      restore.dispose();
    }
    out.push(l1 / count);
  }
  x.dispose();
  return out;
}

describe('backward spectrum', () => {
  it('G_k matches finite differences, averaged per example', async () => {
    const { model, graph } = brokenBlockModel('fd');
    const inst = instrumentLayersModel(model, graph);
    const ds = speckData(1, 0, 1, 5); // one passing (bright) and one failing (speck) example
    const before = tf.memory().numTensors;
    const g = await backwardSpectrum(inst, ds, 1);
    expect(tf.memory().numTensors).toBe(before);
    const px = 64;
    const fd0 = await finiteDifferenceTerm(inst, ds.images.subarray(0, px), ds.labels[0]);
    const fd1 = await finiteDifferenceTerm(inst, ds.images.subarray(px, 2 * px), ds.labels[1]);
    const expected = fd0.map((v, k) => (v + fd1[k]) / 2);
    expect(g).toHaveLength(4);
    g.forEach((v, k) => expect(Math.abs(v - expected[k])).toBeLessThan(0.02 * expected[k] + 1e-4));
    // One example alone gives that example's term.
    const single = await backwardSpectrum(inst, subset(ds, [1]), 1);
    single.forEach((v, k) => expect(Math.abs(v - fd1[k])).toBeLessThan(0.02 * fd1[k] + 1e-4));
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('a larger group gives the gradient of the group mean loss (no more than the per-example mean)', async () => {
    const { model, graph } = brokenBlockModel('group');
    const inst = instrumentLayersModel(model, graph);
    const ds = speckData(3, 3, 4, 6);
    const exact = await backwardSpectrum(inst, ds, 1);
    const grouped = await backwardSpectrum(inst, ds, 10);
    grouped.forEach((v, k) => expect(v).toBeLessThanOrEqual(exact[k] + 1e-6));
    expect(blockParamCounts(inst)).toEqual([4, 9, 8, 6]);
    model.dispose();
  });
});

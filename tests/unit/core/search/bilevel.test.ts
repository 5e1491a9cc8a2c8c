import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { createSearch } from '../../../../src/core/search/bilevel';
import { LabError } from '../../../../src/core/errors';
import type { EpochMetrics } from '../../../../src/core/types';
import { edgeCount } from '../../../../src/core/search/layout';
import { SEARCH_BASE, comparable, fixedSuffix, syntheticData } from './fixtures';

let before = 0;
beforeAll(async () => {
  await tf.setBackend('cpu');
  before = tf.memory().numTensors;
});
afterAll(() => expect(tf.memory().numTensors).toBe(before));

const data = syntheticData();
const base = SEARCH_BASE;

describe('bilevel search', () => {
  it('learns: the weight loss falls and epoch metrics are complete', async () => {
    const { suffix, dispose } = fixedSuffix(4);
    const search = createSearch({ ...base, weights: { learningRate: 0.1 } }, data, suffix);
    const progress: number[] = [];
    const history: EpochMetrics[] = [];
    for (let e = 0; e < 8; e++) history.push(await search.step(undefined, (p) => progress.push(p.done)));
    const first = history[0];
    const last = history.at(-1)!;
    expect(last.lossWeights).toBeLessThan(first.lossWeights * 0.8);
    expect(last.epoch).toBe(8);
    expect(first.alphaSoftmax).toHaveLength(edgeCount(3));
    first.alphaSoftmax.forEach((row) => expect(row.reduce((a, b) => a + b)).toBeCloseTo(1, 5));
    expect(first.ops).toEqual(['none', 'max_pool_3x3', 'skip_connect', 'sep_conv_3x3', 'dil_conv_3x3']);
    expect(first.genotype.edges).toHaveLength(5);
    for (const acc of [last.accFailures, last.accValidation, last.accAdversarial]) expect(acc).toBeGreaterThanOrEqual(0);
    expect(last.accValidation).toBeGreaterThan(0.5);
    expect(first.samplesPerSecond).toBeGreaterThan(0);
    expect(progress.slice(0, 3)).toEqual([0, 1, 2]);
    expect(last.alphaSoftmax).not.toEqual(first.alphaSoftmax);
    search.dispose();
    dispose();
  });

  it('is deterministic for a seed, and a different seed differs', async () => {
    const run = async (seed: number) => {
      const { suffix, dispose } = fixedSuffix(4);
      const search = createSearch({ ...base, seed }, data, suffix);
      const out = [comparable(await search.step()), comparable(await search.step())];
      search.dispose();
      dispose();
      return out;
    };
    const a = await run(3);
    expect(await run(3)).toEqual(a);
    expect((await run(4))[1].lossWeights).not.toBe(a[1].lossWeights);
  });

  it('stepAlpha and stepWeights move only their own side', async () => {
    const { suffix, dispose } = fixedSuffix(4);
    const search = createSearch(base, data, suffix);
    const alpha0 = await search.alphaSoftmax();
    const weights0 = (await search.getState()).weights;
    expect(Number.isFinite(await search.stepWeights())).toBe(true);
    expect(await search.alphaSoftmax()).toEqual(alpha0);
    const weights1 = (await search.getState()).weights;
    expect(weights1.some((w, i) => new Float32Array(w.data).some((v, j) => v !== new Float32Array(weights0[i].data)[j]))).toBe(true);
    expect(Number.isFinite(await search.stepAlpha())).toBe(true);
    expect(await search.alphaSoftmax()).not.toEqual(alpha0);
    const weights2 = (await search.getState()).weights;
    expect(weights2.map((w) => Array.from(new Float32Array(w.data)))).toEqual(weights1.map((w) => Array.from(new Float32Array(w.data))));
    expect(search.epoch).toBe(0);
    search.dispose();
    dispose();
  });

  it('holds α during the warm-up epochs while the weights train, then moves it', async () => {
    const { suffix, dispose } = fixedSuffix(4);
    const search = createSearch({ ...base, alphaWarmupEpochs: 2 }, data, suffix);
    const alpha0 = await search.alphaSoftmax();
    const weights0 = (await search.getState()).weights;
    const warm = [await search.step(), await search.step()];
    expect(await search.alphaSoftmax()).toEqual(alpha0);
    warm.forEach((m) => expect(Number.isFinite(m.lossAlpha)).toBe(true));
    const weights2 = (await search.getState()).weights;
    expect(weights2.some((w, i) => new Float32Array(w.data).some((v, j) => v !== new Float32Array(weights0[i].data)[j]))).toBe(true);
    await search.step();
    expect(await search.alphaSoftmax()).not.toEqual(alpha0);
    search.dispose();
    dispose();
  });

  it('second order runs, restores the weights it perturbs, and trains', async () => {
    const { suffix, dispose } = fixedSuffix(4);
    const search = createSearch({ ...base, order: 'second' }, data, suffix);
    const weights0 = (await search.getState()).weights.map((w) => Array.from(new Float32Array(w.data)));
    await search.stepAlpha();
    expect((await search.getState()).weights.map((w) => Array.from(new Float32Array(w.data)))).toEqual(weights0);
    const m = await search.step();
    expect(Number.isFinite(m.lossAlpha)).toBe(true);
    search.dispose();
    dispose();
  });

  it('trains suffix variables when passed', async () => {
    const { suffix, kernel, dispose } = fixedSuffix(4);
    const k0 = Array.from(await kernel.data());
    const search = createSearch(base, data, suffix, [kernel]);
    await search.stepWeights();
    expect(Array.from(await kernel.data())).not.toEqual(k0);
    expect((await search.getState()).weights.at(-1)!.shape).toEqual([4, 3]);
    search.dispose();
    dispose();
  });

  it('rejects bad settings, data and suffixes with a field', () => {
    const { suffix, dispose } = fixedSuffix(4);
    const field = (fn: () => unknown) => {
      try {
        fn();
      } catch (err) {
        expect(err).toBeInstanceOf(LabError);
        return (err as LabError).field;
      }
      return 'no error';
    };
    expect(field(() => createSearch({ ...base, batchSize: 0 }, data, suffix))).toBe('batchSize');
    expect(field(() => createSearch({ ...base, stride: 3 as 2 }, data, suffix))).toBe('stride');
    expect(field(() => createSearch({ ...base, alphaWarmupEpochs: 1.5 }, data, suffix))).toBe('alphaWarmupEpochs');
    const badData = { ...data, validation: { ...data.validation, shape: [8, 5, 5, 3] as [number, number, number, number] } };
    expect(field(() => createSearch(base, badData, suffix))).toBe('validation');
    expect(field(() => createSearch(base, data, (x) => tf.mean(x)))).toBe('suffix');
    expect(tf.memory().numTensors).toBe(before + 1);
    dispose();
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { createSearch } from '../../../../src/core/search/bilevel';
import { CancelToken } from '../../../../src/core/progress';
import { SEARCH_BASE, comparable, fixedSuffix, syntheticData } from './fixtures';

let before = 0;
beforeAll(async () => {
  await tf.setBackend('cpu');
  before = tf.memory().numTensors;
});
afterAll(() => expect(tf.memory().numTensors).toBe(before));

const data = syntheticData();
const base = SEARCH_BASE;

describe('bilevel search: memory, checkpoints, cancel', () => {
  it('holds tf.memory().numTensors constant from epoch 1 to epoch 20', async () => {
    const { suffix, dispose } = fixedSuffix(4);
    const search = createSearch(base, data, suffix);
    await search.step();
    const afterFirst = tf.memory().numTensors;
    for (let e = 1; e < 20; e++) await search.step();
    expect(search.epoch).toBe(20);
    expect(tf.memory().numTensors).toBe(afterFirst);
    search.dispose();
    dispose();
  });


  it('resumes exactly: 3 epochs = 2 epochs, getState, setState into a fresh search, 1 epoch', async () => {
    const straight = fixedSuffix(4);
    const a = createSearch(base, data, straight.suffix);
    await a.step();
    await a.step();
    const third = comparable(await a.step());
    a.dispose();
    straight.dispose();

    const first = fixedSuffix(4);
    const b = createSearch(base, data, first.suffix);
    await b.step();
    await b.step();
    const state = structuredClone(await b.getState());
    b.dispose();
    first.dispose();

    const second = fixedSuffix(4);
    const c = createSearch({ ...base, seed: 99 }, data, second.suffix);
    c.setState(state);
    expect(c.epoch).toBe(2);
    expect(comparable(await c.step())).toEqual(third);
    c.dispose();
    second.dispose();
  });


  it('cancels between batches and frees its tensors', async () => {
    const { suffix, dispose } = fixedSuffix(4);
    const search = createSearch(base, data, suffix);
    const count = tf.memory().numTensors;
    const token = new CancelToken();
    await expect(search.step(token, (p) => p.done === 1 && token.cancel())).rejects.toThrow('cancelled');
    expect(tf.memory().numTensors).toBe(count);
    search.dispose();
    dispose();
  });
});

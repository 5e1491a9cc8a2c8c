import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { createMixedOp } from '../../../../src/core/search/mixed-op';
import { createSearchOp } from '../../../../src/core/search/ops';
import { createRng } from '../../../../src/core/random';
import { randomTensor } from './gradcheck';

let before = 0;
beforeAll(async () => {
  await tf.setBackend('cpu');
  before = tf.memory().numTensors;
});
afterAll(() => expect(tf.memory().numTensors).toBe(before));

describe('mixed op', () => {
  it.each([1, 2])('is Σ w_o · o(x) over its ops (stride %d)', (stride) => {
    const ops = ['none', 'max_pool_3x3', 'skip_connect', 'sep_conv_3x3'] as const;
    const mixed = createMixedOp(ops, 4, stride, createRng(3));
    // Same seed, same draw order: the same op weights as inside the mixed op.
    const rng = createRng(3);
    const singles = ops.map((name) => createSearchOp(name, 4, stride, rng));
    const x = randomTensor([2, 6, 6, 4], 1) as tf.Tensor4D;
    const weights = tf.tensor1d([0.1, 0.2, 0.3, 0.4]);
    const ours = mixed.apply(x, weights, true);
    const reference = tf.tidy(() => tf.addN(singles.map((op, i) => op.apply(x, true).mul([0.1, 0.2, 0.3, 0.4][i]))));
    expect(ours.shape).toEqual([2, 6 / stride, 6 / stride, 4]);
    expect(tf.tidy(() => tf.max(tf.abs(ours.sub(reference))).dataSync()[0])).toBeLessThan(1e-5);
    expect(mixed.variables.length).toBe(singles.reduce((n, op) => n + op.variables.length, 0));
    tf.dispose([x, weights, ours, reference]);
    mixed.dispose();
    singles.forEach((op) => op.dispose());
  });

  it('passes gradients to the op weights: ∂/∂w_o = Σ o(x)', () => {
    const mixed = createMixedOp(['none', 'skip_connect'], 2, 1, createRng(1));
    const x = randomTensor([1, 3, 3, 2], 2) as tf.Tensor4D;
    const half = tf.tensor1d([0.5, 0.5]);
    const g = tf.grad((w: tf.Tensor) => tf.sum(mixed.apply(x, w as tf.Tensor1D, true)))(half);
    const values = g.dataSync();
    expect(values[0]).toBe(0);
    expect(values[1]).toBeCloseTo(tf.tidy(() => tf.sum(x).dataSync()[0]), 4);
    tf.dispose([x, g, half]);
    mixed.dispose();
  });
});

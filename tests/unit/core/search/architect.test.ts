import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { createArchitect, type LossFn, type UnrollContext } from '../../../../src/core/search/architect';
import { DARTS_HYPERPARAMETERS } from '../../../../src/core/search/presets';
import { createRng } from '../../../../src/core/random';
import { randomTensor } from './gradcheck';

let before = 0;
beforeAll(async () => {
  await tf.setBackend('cpu');
  before = tf.memory().numTensors;
});
afterAll(() => expect(tf.memory().numTensors).toBe(before));

interface Pair {
  x: tf.Tensor2D;
  y: tf.Tensor2D;
}

/** A smooth toy network where α and w interact: pred = (x ⊙ softmax(α)₀) · w. */
const predict = (x: tf.Tensor2D, alpha: tf.Tensor2D, w: tf.Tensor2D): tf.Tensor2D => {
  const gate = tf.softmax(alpha).slice([0, 0], [1, 3]).mul(3);
  return tf.matMul(x.mul(gate) as tf.Tensor2D, w);
};
const mse = (pred: tf.Tensor, y: tf.Tensor): tf.Scalar => tf.mean(tf.square(pred.sub(y)));

describe('architect', () => {
  let w: tf.Variable;
  let buffer: tf.Variable;
  let train: Pair;
  let val: Pair;
  let unroll: UnrollContext;
  const loss: LossFn<Pair> = (batch, alpha) => tf.tidy(() => mse(predict(batch.x, alpha, w as tf.Tensor as tf.Tensor2D), batch.y));

  beforeAll(() => {
    const [w0, b0] = [randomTensor([3, 2], 1), randomTensor([3, 2], 2, 0.1)];
    w = tf.variable(w0);
    buffer = tf.variable(b0, false);
    tf.dispose([w0, b0]);
    train = { x: randomTensor([5, 3], 3) as tf.Tensor2D, y: randomTensor([5, 2], 4) as tf.Tensor2D };
    val = { x: randomTensor([5, 3], 5) as tf.Tensor2D, y: randomTensor([5, 2], 6) as tf.Tensor2D };
    unroll = { weights: [w], momentumBuffers: [buffer], learningRate: 0.1, momentum: 0.9, weightDecay: 3e-4 };
  });
  afterAll(() => tf.dispose([w, buffer, train.x, train.y, val.x, val.y]));

  it('initialises α as initScale·N(0,1), seeded', () => {
    const a = createArchitect<Pair>([2, 3], DARTS_HYPERPARAMETERS.alpha, 'first', createRng(1), loss);
    const b = createArchitect<Pair>([2, 3], DARTS_HYPERPARAMETERS.alpha, 'first', createRng(1), loss);
    const values = Array.from(a.alpha.dataSync());
    expect(values).toEqual(Array.from(b.alpha.dataSync()));
    expect(Math.max(...values.map(Math.abs))).toBeLessThan(5e-3);
    expect(Math.max(...values.map(Math.abs))).toBeGreaterThan(0);
    a.dispose();
    b.dispose();
  });

  it('second order matches the gradient of the unrolled objective L_val(w − η(μb + ∇L_train + wd·w), α)', () => {
    const hp = { ...DARTS_HYPERPARAMETERS.alpha, initScale: 0.5 };
    const architect = createArchitect<Pair>([2, 3], hp, 'second', createRng(2), loss);
    const wBefore = Array.from(w.dataSync());
    const { grad, loss: value } = architect.gradient(val, train, unroll);
    expect(Array.from(w.dataSync())).toEqual(wBefore);
    // The unrolled objective in closed form: ∇w of the MSE is (2/numel)·(x⊙g)ᵀ(pred − y).
    const unrolled = (alpha: tf.Tensor2D): number =>
      tf.tidy(() => {
        const w0 = w as tf.Tensor as tf.Tensor2D;
        const gate = tf.softmax(alpha).slice([0, 0], [1, 3]).mul(3);
        const xg = train.x.mul(gate) as tf.Tensor2D;
        const gradW = tf.matMul(xg, tf.matMul(xg, w0).sub(train.y), true, false).mul(2 / 10);
        const wPrime = w0.sub(buffer.mul(0.9).add(gradW).add(w0.mul(3e-4)).mul(0.1)) as tf.Tensor2D;
        return mse(predict(val.x, alpha, wPrime), val.y).dataSync()[0];
      });
    const direction = randomTensor([2, 3], 7) as tf.Tensor2D;
    const analytic = tf.tidy(() => tf.sum(grad.mul(direction)).dataSync()[0]);
    const eps = 1e-2;
    const numeric = tf.tidy(() => (unrolled(architect.alpha.add(direction.mul(eps)) as tf.Tensor2D) - unrolled(architect.alpha.sub(direction.mul(eps)) as tf.Tensor2D)) / (2 * eps));
    expect(Math.abs(analytic - numeric)).toBeLessThan(2e-2 * Math.max(1e-2, Math.abs(numeric)));
    // …and differs from the first-order gradient, so the unrolled terms matter here.
    const first = createArchitect<Pair>([2, 3], hp, 'first', createRng(2), loss);
    const g1 = first.gradient(val, train, unroll);
    expect(tf.tidy(() => tf.max(tf.abs(g1.grad.sub(grad))).dataSync()[0])).toBeGreaterThan(1e-4);
    tf.dispose([grad, value, direction, g1.grad, g1.loss]);
    architect.dispose();
    first.dispose();
  });

  it('step applies Adam with weight decay to α only', () => {
    const architect = createArchitect<Pair>([2, 3], DARTS_HYPERPARAMETERS.alpha, 'first', createRng(3), loss);
    const alpha0 = Array.from(architect.alpha.dataSync());
    const w0 = Array.from(w.dataSync());
    const value = architect.step(val, train, unroll);
    const moved = Array.from(architect.alpha.dataSync()).map((v, i) => Math.abs(v - alpha0[i]));
    // Adam's first step moves every coordinate by ≈ lr.
    moved.forEach((d) => expect(d).toBeCloseTo(3e-4, 5));
    expect(Array.from(w.dataSync())).toEqual(w0);
    expect(architect.optimizer.iterations).toBe(1);
    value.dispose();
    architect.dispose();
  });
});

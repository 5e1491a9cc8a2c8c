import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { normalizeBatch } from '../../../../src/core/search/ops/norm';
import { batchNorm } from '../../../../src/core/search/ops/op';
import { installTrainingSupport } from '../../../../src/core/tfjs/install';
import { BATCH_NORM_TRAIN } from '../../../../src/core/tfjs/batch-norm-kernel';
import { maxAbsDiff, normalizeReference, randomTensor } from './gradcheck';

let before = 0;
beforeAll(async () => {
  installTrainingSupport();
  await tf.setBackend('cpu');
  before = tf.memory().numTensors;
});
afterAll(() => expect(tf.memory().numTensors).toBe(before));

// cpu runs the composite op, wasm the lab's heap kernels (tfjs/batch-norm-kernel.ts).
describe.each(['cpu', 'wasm'])('normalizeBatch (one op with its own gradient) on %s', (backend) => {
  beforeAll(async () => {
    await tf.setBackend(backend);
    expect(tf.getKernel(BATCH_NORM_TRAIN, backend) !== undefined).toBe(backend === 'wasm');
  });
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  it.each([
    [[4, 5, 5, 3], 1],
    [[2, 7, 7, 8], 2],
    [[64, 1, 1, 2], 3],
  ])('values and input gradients of shape %j match autodiff through tf.moments within 1e-4', (shape, seed) => {
    const x = tf.tidy(() => randomTensor(shape, seed, 2).add(0.5)) as tf.Tensor4D;
    const w = randomTensor(shape, seed + 10);
    const ours = tf.tidy(() => normalizeBatch(x, 1e-5));
    const ref = tf.tidy(() => normalizeReference(x));
    expect(maxAbsDiff(ours, ref)).toBeLessThan(1e-4);
    const gOurs = tf.grad((t: tf.Tensor) => tf.sum(normalizeBatch(t as tf.Tensor4D, 1e-5).mul(w)))(x);
    const gRef = tf.grad((t: tf.Tensor) => tf.sum(normalizeReference(t as tf.Tensor4D).mul(w)))(x);
    expect(maxAbsDiff(gOurs, gRef)).toBeLessThan(1e-4);
    // A loss that is not linear in y (the gradient's mean(dy·y) term matters).
    const g2Ours = tf.grad((t: tf.Tensor) => tf.sum(tf.square(normalizeBatch(t as tf.Tensor4D, 1e-5).mul(w))))(x);
    const g2Ref = tf.grad((t: tf.Tensor) => tf.sum(tf.square(normalizeReference(t as tf.Tensor4D).mul(w))))(x);
    expect(maxAbsDiff(g2Ours, g2Ref)).toBeLessThan(1e-4);
    tf.dispose([x, w, ours, ref, gOurs, gRef, g2Ours, g2Ref]);
  });

  it('hands the batch moments to onMoments', () => {
    const x = randomTensor([3, 4, 4, 2], 7) as tf.Tensor4D;
    let seen: number[][] = [];
    tf.tidy(() => {
      normalizeBatch(x, 1e-5, (m, v) => (seen = [Array.from(m.dataSync()), Array.from(v.dataSync())]));
    });
    const { mean, variance } = tf.moments(x, [0, 1, 2]);
    expect(seen[0]).toEqual(Array.from(mean.dataSync()).map((v) => expect.closeTo(v, 6)));
    expect(seen[1]).toEqual(Array.from(variance.dataSync()).map((v) => expect.closeTo(v, 5)));
    tf.dispose([x, mean, variance]);
  });
});

describe('batchNorm op on normalizeBatch', () => {
  it('trains like the reference: values, gradients of x, γ and β, running statistics (momentum 0.1)', () => {
    const bn = batchNorm(3, true, 0.5);
    const initial = tf.tidy(() => randomTensor([4, 3, 3, 3], 5, 3).add(1));
    const x = tf.variable(initial);
    initial.dispose();
    const w = randomTensor([4, 3, 3, 3], 6);
    const [gamma, beta] = bn.variables;
    const f = () => tf.sum(bn.apply(x as tf.Tensor4D, true).mul(w)) as tf.Scalar;
    const { value, grads } = tf.variableGrads(f, [x, gamma, beta]);
    const fRef = () => tf.sum(normalizeReference(x as tf.Tensor4D).mul(gamma).add(beta).mul(w)) as tf.Scalar;
    const ref = tf.variableGrads(fRef, [x, gamma, beta]);
    expect(Math.abs(value.dataSync()[0] - ref.value.dataSync()[0])).toBeLessThan(1e-4);
    for (const v of [x, gamma, beta]) expect(maxAbsDiff(grads[v.name], ref.grads[v.name])).toBeLessThan(1e-4);
    // One training call per variableGrads: the running statistics moved once from (0, 1).
    const { mean, variance } = tf.moments(x, [0, 1, 2]);
    const [runningMean, runningVar] = bn.buffers;
    const [meanAfter, varAfter] = tf.tidy(() => [mean.mul(0.1), variance.mul(0.1).add(0.9)]);
    expect(maxAbsDiff(runningMean, meanAfter)).toBeLessThan(1e-6);
    expect(maxAbsDiff(runningVar, varAfter)).toBeLessThan(1e-6);
    // Inference uses the running statistics.
    const inferred = tf.tidy(() => bn.apply(x as tf.Tensor4D, false));
    const expected = tf.tidy(() => x.sub(runningMean).div(runningVar.add(1e-5).sqrt()).mul(gamma).add(beta));
    expect(maxAbsDiff(inferred, expected)).toBeLessThan(1e-5);
    tf.dispose([value, ...Object.values(grads), ref.value, ...Object.values(ref.grads), mean, variance, meanAfter, varAfter, inferred, expected, x, w]);
    bn.dispose();
  });

  it('leaks no tensor over 50 training steps', () => {
    const bn = batchNorm(4, true);
    const x = randomTensor([8, 5, 5, 4], 9) as tf.Tensor4D;
    const step = () => {
      const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(bn.apply(x, true))) as tf.Scalar, bn.variables);
      tf.dispose([value, ...Object.values(grads)]);
    };
    step();
    const count = tf.memory().numTensors;
    for (let i = 0; i < 50; i++) step();
    expect(tf.memory().numTensors).toBe(count);
    x.dispose();
    bn.dispose();
  });
});

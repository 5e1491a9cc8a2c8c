import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { createAdam, createSgd, globalNormClipScale } from '../../../../src/core/search/optimizers';
import { installTrainingSupport } from '../../../../src/core/tfjs/install';
import { SGD_STEP, SUM_OF_SQUARES } from '../../../../src/core/tfjs/sgd-kernel';
import { createRng } from '../../../../src/core/random';

beforeAll(() => installTrainingSupport());

const HP = { learningRate: 0.05, momentum: 0.9, weightDecay: 3e-4 };
const SHAPES = [[3, 3, 4, 1], [1, 1, 4, 6], [6]];

/** Fixed random values per shape and seed. */
function values(shape: number[], seed: number): number[] {
  const rng = createRng(seed);
  return Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal());
}

/** Three SGD steps with clipping at `maxNorm` on `backend`; the variables and momentum buffers after, and the scales used. */
async function sgdRun(backend: string, maxNorm: number): Promise<{ weights: number[][]; buffers: number[][]; scales: number[] }> {
  await tf.setBackend(backend);
  const before = tf.memory().numTensors;
  const initial = SHAPES.map((s, i) => tf.tensor(values(s, i + 1), s));
  const variables = initial.map((t) => tf.variable(t));
  tf.dispose(initial);
  const sgd = createSgd(variables, HP);
  const scales: number[] = [];
  for (let step = 0; step < 3; step++) {
    const grads = SHAPES.map((s, i) => tf.tensor(values(s, 10 * step + i + 7), s));
    const scale = globalNormClipScale(grads, maxNorm);
    scales.push((await scale.data())[0]);
    sgd.apply(grads, scale);
    tf.dispose([...grads, scale]);
  }
  const out = { weights: variables.map((v) => Array.from(v.dataSync())), buffers: sgd.slots.map((b) => Array.from(b.dataSync())), scales };
  sgd.dispose();
  tf.dispose(variables);
  expect(tf.memory().numTensors).toBe(before);
  return out;
}

const close = (a: number[][], b: number[][]) => a.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(b[i][j], 5)));

describe('weight optimisers', () => {
  it('has the fused weight-step kernels on wasm only', async () => {
    expect(tf.getKernel(SGD_STEP, 'wasm')).toBeDefined();
    expect(tf.getKernel(SUM_OF_SQUARES, 'wasm')).toBeDefined();
    expect(tf.getKernel(SGD_STEP, 'cpu')).toBeUndefined();
  });

  it.each([1, 100])('SGD with clipping at %d: wasm (one kernel per variable) matches the composite on cpu over three steps', async (maxNorm) => {
    const cpu = await sgdRun('cpu', maxNorm);
    const wasm = await sgdRun('wasm', maxNorm);
    close(wasm.weights, cpu.weights);
    close(wasm.buffers, cpu.buffers);
    wasm.scales.forEach((s, i) => expect(s).toBeCloseTo(cpu.scales[i], 6));
    // The clip bites at norm 1 and not at 100.
    if (maxNorm === 1) expect(Math.max(...cpu.scales)).toBeLessThan(1);
    else expect(cpu.scales).toEqual([1, 1, 1]);
  });

  it('the clip scale is maxNorm / (‖g‖ + 1e-6), at most 1', async () => {
    await tf.setBackend('cpu');
    const grads = [tf.tensor1d([3, 0]), tf.tensor2d([[0, 4]])];
    const [clip, none] = [globalNormClipScale(grads, 1), globalNormClipScale(grads, 10)];
    expect(clip.dataSync()[0]).toBeCloseTo(1 / (5 + 1e-6), 7);
    expect(none.dataSync()[0]).toBe(1);
    tf.dispose([...grads, clip, none]);
  });

  it('SGD follows b ← μb + (s·g + wd·w), w ← w − lr·b by hand; Adam scales its gradient by gradScale too', async () => {
    for (const backend of ['cpu', 'wasm']) {
      await tf.setBackend(backend);
      const w = tf.variable(tf.tensor1d([1, -2]));
      const sgd = createSgd([w], HP);
      const [g, s] = [tf.tensor1d([0.5, 1]), tf.scalar(0.5)];
      sgd.apply([g], s);
      const b = [0.5 * 0.5 + HP.weightDecay * 1, 0.5 * 1 + HP.weightDecay * -2];
      expect(Array.from(sgd.slots[0].dataSync())).toEqual(b.map((v) => expect.closeTo(v, 6)));
      expect(Array.from(w.dataSync())).toEqual([1 - HP.learningRate * b[0], -2 - HP.learningRate * b[1]].map((v) => expect.closeTo(v, 6)));
      const p = tf.variable(tf.tensor1d([1]));
      const q = tf.variable(tf.tensor1d([1]));
      const hp = { learningRate: 0.1, beta1: 0.5, beta2: 0.999, epsilon: 1e-8, weightDecay: 0 };
      const [adamScaled, adamPlain] = [createAdam([p], hp), createAdam([q], hp)];
      const [g2, half] = [tf.tensor1d([4]), tf.tensor1d([2])];
      adamScaled.apply([g2], s);
      adamPlain.apply([half]);
      expect(p.dataSync()[0]).toBeCloseTo(q.dataSync()[0], 6);
      tf.dispose([w, g, s, p, q, g2, half]);
      [sgd, adamScaled, adamPlain].forEach((o) => o.dispose());
    }
    await tf.setBackend('cpu');
  });
});

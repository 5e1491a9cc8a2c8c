// Resume: a run that is checkpointed, torn down and restored from the store continues exactly
// like an uninterrupted run with the same seed (cpu backend).
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { BACKENDS, newSession } from './helpers';
import { createRng, type Rng } from '../../../src/core/random';
import { createSession } from '../../../src/store/sessions';
import { latestCheckpoint, putCheckpoint } from '../../../src/store/checkpoints';
import type { TensorData } from '../../../src/core/types';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

interface Run {
  vars: tf.Variable[];
  opt: tf.Optimizer;
  rng: Rng;
}

const X = tf.tensor2d(Array.from({ length: 32 }, (_, i) => Math.sin(i)), [16, 2]);
const Y = tf.tensor2d(Array.from({ length: 16 }, (_, i) => Math.cos(i)), [16, 1]);

function freshRun(seed: number, init?: Record<string, TensorData>, rngState?: number): Run {
  const rng = createRng(seed, rngState);
  const make = (name: string, shape: number[]) => {
    const data = init?.[name];
    const values = data ? new Float32Array(data.data) : Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal() * 0.3);
    const initial = tf.tensor(values, shape);
    const v = tf.variable(initial, true, name);
    initial.dispose();
    return v;
  };
  const vars = [make('w', [2, 1]), make('b', [1])];
  const opt = tf.train.momentum(0.05, 0.9);
  return { vars, opt, rng };
}

async function step(run: Run): Promise<number> {
  // Batch of 4 drawn with the run's RNG, so the RNG state matters for the next epoch.
  const idx = tf.tensor1d(Array.from({ length: 4 }, () => run.rng.int(16)), 'int32');
  const loss = run.opt.minimize(() => {
    const x = tf.gather(X, idx);
    const y = tf.gather(Y, idx);
    return tf.losses.meanSquaredError(y, tf.add(tf.matMul(x, run.vars[0]), run.vars[1]));
  }, true, run.vars)!;
  const value = (await loss.data())[0];
  tf.dispose([loss, idx]);
  return value;
}

async function toData(t: tf.Tensor): Promise<TensorData> {
  const values = (await t.data()) as Float32Array | Int32Array;
  return { shape: t.shape, dtype: t.dtype === 'int32' ? 'int32' : 'float32', data: values.slice().buffer };
}

function dispose(run: Run): void {
  run.opt.dispose();
  // tfjs 4.22 MomentumOptimizer.dispose() forgets SGD's learning-rate scalar `c` (one tensor).
  (run.opt as unknown as { c: tf.Tensor }).c.dispose();
  tf.dispose(run.vars);
}

describe.each(BACKENDS)('resume from the store ($name)', ({ open }) => {
  // SGD momentum: tfjs Adam.setWeights recomputes accBeta1/2 with pow() instead of restoring the
  // products it accumulated, so an Adam run resumed through get/setWeights drifts in the last bits.
  it('continues a momentum run exactly as if never stopped', async () => {
    const before = tf.memory().numTensors;
    const straight = freshRun(11);
    const straightLosses: number[] = [];
    for (let i = 0; i < 4; i++) straightLosses.push(await step(straight));
    const straightWeights = await Promise.all(straight.vars.map((v) => v.data()));
    dispose(straight);

    const db = await open();
    await createSession(db, newSession('r'));
    const first = freshRun(11);
    const losses = [await step(first), await step(first)];
    const slots = await first.opt.getWeights();
    const optimizer = Object.fromEntries(await Promise.all(slots.map(async (s) => [s.name, await toData(s.tensor)] as const)));
    const supernet = { w: await toData(first.vars[0]), b: await toData(first.vars[1]) };
    const saved = await putCheckpoint(db, { sessionId: 'r', epoch: 2, alpha: { shape: [0], dtype: 'float32', data: new ArrayBuffer(0) }, supernet, optimizer, rngState: first.rng.state(), accValidation: 0.5 });
    expect(saved.ok).toBe(true);
    tf.dispose(slots.map((s) => s.tensor));
    dispose(first);

    const { checkpoint } = await latestCheckpoint(db, 'r');
    expect(checkpoint!.optimizer.iter).toMatchObject({ dtype: 'int32', shape: [] });
    const resumed = freshRun(11, checkpoint!.supernet, checkpoint!.rngState);
    const restored = Object.entries(checkpoint!.optimizer).map(([name, t]) => ({ name, tensor: t.dtype === 'int32' ? tf.tensor(new Int32Array(t.data), t.shape, 'int32') : tf.tensor(new Float32Array(t.data), t.shape) }));
    await resumed.opt.setWeights(restored);
    tf.dispose(restored.map((s) => s.tensor));
    losses.push(await step(resumed), await step(resumed));
    const resumedWeights = await Promise.all(resumed.vars.map((v) => v.data()));
    dispose(resumed);

    expect(losses).toEqual(straightLosses);
    expect(resumedWeights.map((w) => Array.from(w))).toEqual(straightWeights.map((w) => Array.from(w)));
    expect(tf.memory().numTensors).toBe(before);
  });
});

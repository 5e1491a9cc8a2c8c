import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { runEngineCheck, validateEngineCheckConfig } from '../../../../src/core/tfjs/engine-check';
import { CancelToken } from '../../../../src/core/progress';
import { LabError } from '../../../../src/core/errors';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('engine check', () => {
  it('trains: the loss falls, progress reaches the end, nothing leaks', async () => {
    const progress: number[] = [];
    const result = await runEngineCheck({ batches: 25, seed: 3 }, undefined, (p) => progress.push(p.done));
    expect(result.losses).toHaveLength(25);
    const head = result.losses.slice(0, 3).reduce((a, b) => a + b) / 3;
    const tail = result.losses.slice(-3).reduce((a, b) => a + b) / 3;
    expect(tail).toBeLessThan(head * 0.8);
    expect(progress.at(-1)).toBe(25);
    expect(result.tensorsLeaked).toBe(0);
  });

  it('is deterministic for a seed', async () => {
    const a = await runEngineCheck({ batches: 3, seed: 7 });
    const b = await runEngineCheck({ batches: 3, seed: 7 });
    expect(a.losses).toEqual(b.losses);
  });

  it('stops when cancelled and frees its tensors', async () => {
    const before = tf.memory().numTensors;
    const token = new CancelToken();
    const run = runEngineCheck({ batches: 200 }, token, (p) => {
      if (p.done === 2) token.cancel();
    });
    await expect(run).rejects.toThrow('cancelled');
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects bad settings with the field and a fix', () => {
    expect(() => validateEngineCheckConfig({ batchSize: 0 })).toThrow(LabError);
    try {
      validateEngineCheckConfig({ batches: 2.5 });
    } catch (err) {
      expect((err as LabError).field).toBe('batches');
      expect((err as LabError).fix).toMatch(/between 1 and 500/);
    }
    expect.assertions(3);
  });
});

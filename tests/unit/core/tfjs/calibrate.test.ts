import { afterAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { calibrateBackends, deviceKey, measureBackends, rememberedCalibration, startCalibratedBackend, type CalibrationMemory } from '../../../../src/core/tfjs/calibrate';
import { timeTrainingStep } from '../../../../src/core/tfjs/calibration-step';
import { installTrainingSupport } from '../../../../src/core/tfjs/install';
import type { BackendCalibration } from '../../../../src/core/types';

const SMALL = { batchSize: 8, imageSize: 12, maxSteps: 2, budgetMs: 200 };

/** A CalibrationMemory in a Map, counting saves. */
function mapMemory(): CalibrationMemory & { saves: number; map: Map<string, BackendCalibration> } {
  const map = new Map<string, BackendCalibration>();
  return {
    map,
    saves: 0,
    async load(device) {
      return map.get(device) ?? null;
    },
    async save(device, calibration) {
      this.saves += 1;
      map.set(device, structuredClone(calibration));
    },
  };
}

afterAll(async () => {
  await tf.setBackend('cpu');
});

describe('calibration', () => {
  installTrainingSupport();

  it('times a real training step on the active backend without leaking tensors', async () => {
    await tf.setBackend('wasm');
    const before = tf.memory().numTensors;
    const t = await timeTrainingStep(SMALL);
    expect(tf.memory().numTensors).toBe(before);
    expect(t.steps).toBeGreaterThanOrEqual(1);
    expect(t.steps).toBeLessThanOrEqual(2);
    expect(t.stepMs).toBeGreaterThan(0);
    expect(t.samplesPerSecond).toBeCloseTo(8 / (t.stepMs / 1000), 6);
  });

  it('measures every backend that starts and says why the others could not', async () => {
    const timings = await measureBackends(['webgpu', 'wasm', 'cpu'], SMALL);
    expect(timings.map((t) => t.backend)).toEqual(['webgpu', 'wasm', 'cpu']);
    expect(timings[0]).toMatchObject({ error: 'not available in this environment', samplesPerSecond: 0 });
    for (const t of timings.slice(1)) expect(t).toMatchObject({ error: '', isSoftware: false });
    expect(timings[1].threads).toBe(1);
    expect(timings[2].threads).toBeNull();
    expect(timings[1].samplesPerSecond).toBeGreaterThan(0);
  });

  it('picks wasm over cpu in Node', async () => {
    const calibration = await calibrateBackends(['webgl', 'cpu', 'wasm'], SMALL);
    expect(calibration).toMatchObject({ chosen: 'wasm', source: 'measured' });
    expect(calibration?.reason).toMatch(/^wasm: .* samples\/s/);
  });

  it('measures on first start, remembers the choice per device, and measures again on demand', async () => {
    const memory = mapMemory();
    const first = await startCalibratedBackend({ order: ['wasm', 'cpu'], memory, step: SMALL });
    expect(first).toMatchObject({ active: 'wasm', isForced: false, threads: 1 });
    expect(first.calibration).toMatchObject({ chosen: 'wasm', source: 'measured' });
    expect(memory.saves).toBe(1);
    expect([...memory.map.keys()]).toEqual([await deviceKey()]);

    const second = await startCalibratedBackend({ order: ['wasm', 'cpu'], memory, step: SMALL });
    expect(second.calibration).toEqual({ ...first.calibration, source: 'stored' });
    expect(memory.saves).toBe(1);
    expect(await rememberedCalibration(memory)).toEqual(second.calibration);

    const again = await startCalibratedBackend({ order: ['wasm', 'cpu'], memory, step: SMALL, recalibrate: true });
    expect(again.calibration?.source).toBe('measured');
    expect(memory.saves).toBe(2);
  });

  it('uses a remembered choice as is, and falls back along the order if it no longer starts', async () => {
    const memory = mapMemory();
    memory.map.set(await deviceKey(), { chosen: 'webgl', reason: 'measured elsewhere', timings: [], measuredAt: 1, source: 'measured' });
    const info = await startCalibratedBackend({ order: ['wasm', 'cpu'], memory, step: SMALL });
    expect(info.calibration).toMatchObject({ chosen: 'webgl', source: 'stored' });
    expect(info.active).toBe('wasm');
    expect(info.attempts.map((a) => a.backend)).toEqual(['webgl', 'wasm']);
  });

  it('keeps working when the memory fails', async () => {
    const broken: CalibrationMemory = { load: () => Promise.reject(new Error('blocked')), save: () => Promise.reject(new Error('quota')) };
    const info = await startCalibratedBackend({ order: ['cpu'], memory: broken, step: SMALL });
    expect(info).toMatchObject({ active: 'cpu', calibration: { chosen: 'cpu', source: 'measured' } });
    expect(await rememberedCalibration(broken)).toBeNull();
  });

  it('keys the device by browser, cores, isolation, tfjs, GPU and workload version', async () => {
    const key = await deviceKey();
    expect(key).toBe(await deviceKey());
    expect(key).toMatch(/isolated=false; tfjs=4\.\d+\.\d+; gpu=none; step=1$/);
  });
});

import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { DEFAULT_BACKEND_ORDER, parseBackendName, selectBackend } from '../../../../src/core/tfjs/backend';
import { LabError } from '../../../../src/core/errors';

describe('backend selection', () => {
  it('falls back past backends Node lacks and records why each was skipped', async () => {
    const info = await selectBackend({ order: ['webgpu', 'webgl', 'cpu'] });
    expect(info.active).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect(info.attempts.map((a) => a.backend)).toEqual(['webgpu', 'webgl', 'cpu']);
    expect(info.attempts[0]).toMatchObject({ ok: false });
    expect(info.attempts[0].reason).not.toBe('');
    expect(info.attempts[2]).toMatchObject({ ok: true, reason: '' });
    expect(info.isForced).toBe(false);
    expect(info.adapter).toBeNull();
    expect(info.threads).toBeNull();
    expect(info.calibration).toBeNull();
  });

  it('falls back to wasm first: the fastest CPU path, and no software GPU', async () => {
    expect(DEFAULT_BACKEND_ORDER).toEqual(['wasm', 'webgpu', 'webgl', 'cpu']);
    const info = await selectBackend();
    expect(info.active).toBe('wasm');
    expect(info.attempts).toHaveLength(1);
    await selectBackend({ forced: 'cpu' });
  });

  it('honours a forced backend that works (wasm runs in Node, on one thread)', async () => {
    const info = await selectBackend({ forced: 'wasm' });
    expect(info.active).toBe('wasm');
    expect(info.isForced).toBe(true);
    expect(info.attempts).toHaveLength(1);
    expect(info.threads).toBe(1);
    await selectBackend({ forced: 'cpu' });
  });

  it('tries a preferred backend first without calling it forced', async () => {
    const info = await selectBackend({ preferred: 'wasm', order: ['cpu'] });
    expect(info).toMatchObject({ active: 'wasm', isForced: false });
    await selectBackend({ forced: 'cpu' });
  });

  it('falls back and reports when the forced backend is unavailable', async () => {
    const info = await selectBackend({ forced: 'webgl' });
    expect(info.active).toBe('wasm');
    expect(info.isForced).toBe(false);
    expect(info.attempts[0]).toMatchObject({ backend: 'webgl', ok: false });
    await selectBackend({ forced: 'cpu' });
  });

  it('rejects unknown names with the list of valid ones', () => {
    expect(() => parseBackendName('tpu')).toThrow(LabError);
    expect(() => parseBackendName('tpu')).toThrow(/Unknown backend "tpu"/);
    expect(parseBackendName('webgpu')).toBe('webgpu');
  });
});

import { describe, expect, it } from 'vitest';
import { BACKENDS } from './helpers';
import {
  BACKEND_CALIBRATION_KEY, deleteBackendCalibration, getBackendCalibration, putBackendCalibration, readCalibrationRecord,
} from '../../../src/store/settings';
import type { BackendCalibration } from '../../../src/core/types';

const CALIBRATION: BackendCalibration = {
  chosen: 'wasm',
  reason: 'wasm: 602 samples/s, 12.5× webgl (software).',
  measuredAt: 1_764_000_000_000,
  source: 'measured',
  timings: [
    { backend: 'wasm', error: '', samplesPerSecond: 602, stepMs: 53, warmupMs: 106, steps: 6, isSoftware: false, threads: 2 },
    { backend: 'webgpu', error: '', samplesPerSecond: 16.8, stepMs: 1905, warmupMs: 4584, steps: 1, isSoftware: true, threads: null },
    { backend: 'webgl', error: 'failed to initialise', samplesPerSecond: 0, stepMs: 0, warmupMs: 0, steps: 0, isSoftware: false, threads: null },
  ],
};
const DEVICE = 'ua=Chromium 156; cores=2; isolated=true; tfjs=4.22.0; gpu=google/swiftshader; step=1';

describe.each(BACKENDS)('backend calibration record ($name)', ({ open }) => {
  it('round-trips for the device it was measured on, read back as stored', async () => {
    const db = await open();
    expect(await getBackendCalibration(db, DEVICE)).toBeNull();
    await putBackendCalibration(db, DEVICE, CALIBRATION);
    expect(await getBackendCalibration(db, DEVICE)).toEqual({ ...CALIBRATION, source: 'stored' });
    const raw = await db.get('settings', BACKEND_CALIBRATION_KEY);
    expect(raw).toMatchObject({ key: BACKEND_CALIBRATION_KEY, v: 1, device: DEVICE });
    expect(raw?.calibration).not.toHaveProperty('source');
  });

  it('is not used on another device or browser build', async () => {
    const db = await open();
    await putBackendCalibration(db, DEVICE, CALIBRATION);
    expect(await getBackendCalibration(db, DEVICE.replace('cores=2', 'cores=8'))).toBeNull();
  });

  it('keeps one record: a new calibration replaces the old one', async () => {
    const db = await open();
    await putBackendCalibration(db, DEVICE, CALIBRATION);
    await putBackendCalibration(db, 'another device', { ...CALIBRATION, chosen: 'webgpu' });
    expect(await db.getAll('settings')).toHaveLength(1);
    expect(await getBackendCalibration(db, DEVICE)).toBeNull();
    expect((await getBackendCalibration(db, 'another device'))?.chosen).toBe('webgpu');
  });

  it('forgets on demand', async () => {
    const db = await open();
    await putBackendCalibration(db, DEVICE, CALIBRATION);
    await deleteBackendCalibration(db);
    expect(await getBackendCalibration(db, DEVICE)).toBeNull();
    await deleteBackendCalibration(db);
  });

  it('treats a malformed record as missing (it is then measured again)', async () => {
    const db = await open();
    await db.put('settings', { key: BACKEND_CALIBRATION_KEY, v: 1, device: DEVICE, calibration: { chosen: 'tpu', reason: '', measuredAt: 1, timings: [] } } as never);
    expect(await getBackendCalibration(db, DEVICE)).toBeNull();
  });
});

describe('readCalibrationRecord', () => {
  const good = { key: BACKEND_CALIBRATION_KEY, v: 1, device: DEVICE, calibration: { ...CALIBRATION, source: undefined } };

  it('accepts a well-formed record and drops unknown fields', () => {
    const read = readCalibrationRecord({ ...good, extra: 1, calibration: { ...good.calibration, extra: 2 } });
    expect(read?.calibration).toEqual({ chosen: 'wasm', reason: CALIBRATION.reason, measuredAt: CALIBRATION.measuredAt, timings: CALIBRATION.timings });
  });

  it.each([
    ['not an object', 'x'],
    ['another key', { ...good, key: 'theme' }],
    ['another format', { ...good, v: 2 }],
    ['no device', { ...good, device: 3 }],
    ['an unknown backend', { ...good, calibration: { ...good.calibration, chosen: 'tpu' } }],
    ['a non-finite time', { ...good, calibration: { ...good.calibration, measuredAt: Number.NaN } }],
    ['a bad timing', { ...good, calibration: { ...good.calibration, timings: [{ ...CALIBRATION.timings[0], stepMs: '53' }] } }],
    ['a bad thread count', { ...good, calibration: { ...good.calibration, timings: [{ ...CALIBRATION.timings[0], threads: 'two' }] } }],
  ])('rejects %s', (_what, value) => {
    expect(readCalibrationRecord(value)).toBeNull();
  });
});

/** Small per-device settings in the `settings` store (key `key`): today the calibrated backend. */
import { BACKEND_NAMES, type BackendCalibration, type BackendName, type BackendTiming } from '../core/types';
import type { LabDb } from './db';

export const BACKEND_CALIBRATION_KEY = 'backend-calibration';

/** The backend calibration of this browser profile, tagged with the device it was measured on. */
export interface BackendCalibrationRecord {
  key: typeof BACKEND_CALIBRATION_KEY;
  v: 1;
  /** The device key it was measured under; another key means another device (or browser build). */
  device: string;
  calibration: Omit<BackendCalibration, 'source'>;
}

export type SettingRecord = BackendCalibrationRecord;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isBackend = (v: unknown): v is BackendName => typeof v === 'string' && (BACKEND_NAMES as readonly string[]).includes(v);
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

function readTiming(v: unknown): BackendTiming | null {
  if (!isObj(v) || !isBackend(v.backend) || typeof v.error !== 'string' || typeof v.isSoftware !== 'boolean') return null;
  if (![v.samplesPerSecond, v.stepMs, v.warmupMs, v.steps].every(isNum)) return null;
  if (!(v.threads === null || isNum(v.threads))) return null;
  return {
    backend: v.backend, error: v.error, samplesPerSecond: v.samplesPerSecond as number, stepMs: v.stepMs as number,
    warmupMs: v.warmupMs as number, steps: v.steps as number, isSoftware: v.isSoftware, threads: v.threads as number | null,
  };
}

/** A stored record checked field by field; null if anything is off (it is then measured again). */
export function readCalibrationRecord(value: unknown): BackendCalibrationRecord | null {
  if (!isObj(value) || value.key !== BACKEND_CALIBRATION_KEY || value.v !== 1 || typeof value.device !== 'string') return null;
  const c = value.calibration;
  if (!isObj(c) || !isBackend(c.chosen) || typeof c.reason !== 'string' || !isNum(c.measuredAt) || !Array.isArray(c.timings)) return null;
  const timings = c.timings.map(readTiming);
  if (timings.some((t) => t === null)) return null;
  return { key: BACKEND_CALIBRATION_KEY, v: 1, device: value.device, calibration: { chosen: c.chosen, reason: c.reason, measuredAt: c.measuredAt, timings: timings as BackendTiming[] } };
}

/** The calibration measured on `device`, or null (none, unreadable, or from another device). */
export async function getBackendCalibration(db: LabDb, device: string): Promise<BackendCalibration | null> {
  const record = readCalibrationRecord(await db.get('settings', BACKEND_CALIBRATION_KEY));
  return record && record.device === device ? { ...record.calibration, source: 'stored' } : null;
}

/** Remembers a calibration for `device`, replacing the previous one. */
export async function putBackendCalibration(db: LabDb, device: string, calibration: BackendCalibration): Promise<void> {
  const { chosen, reason, timings, measuredAt } = calibration;
  const record: BackendCalibrationRecord = { key: BACKEND_CALIBRATION_KEY, v: 1, device, calibration: { chosen, reason, timings, measuredAt } };
  await db.put('settings', record);
}

export async function deleteBackendCalibration(db: LabDb): Promise<void> {
  await db.delete('settings', BACKEND_CALIBRATION_KEY);
}

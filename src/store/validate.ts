/**
 * Shape checks for records read back from IndexedDB or from a session file. Anything can be in
 * the database (an older build, a foreign tool, a half-written import), so every read is checked
 * and a bad record is reported, never trusted.
 */
import type { EpochMetrics, TensorData } from '../core/types';
import {
  RECORD_VERSION,
  SESSION_STATUSES,
  bytesPerElement,
  type CheckpointRecord,
  type CheckpointSummary,
  type DatasetRecord,
  type ModelRecord,
  type SessionRecord,
} from './records';

/** A checked value, or the first field that was wrong and why. */
export type Checked<T> = { ok: true; value: T } | { ok: false; field: string; problem: string };

class Bad extends Error {
  constructor(readonly field: string, readonly problem: string) {
    super(problem);
  }
}

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function obj(v: unknown, field: string): Obj {
  if (!isObj(v)) throw new Bad(field, 'is not an object');
  return v;
}

function str(o: Obj, key: string, path: string): string {
  if (typeof o[key] !== 'string') throw new Bad(`${path}${key}`, 'is missing or not text');
  return o[key];
}

function num(o: Obj, key: string, path: string): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new Bad(`${path}${key}`, 'is missing or not a finite number');
  return v;
}

function numRecord(o: Obj, key: string, path: string): Record<string, number> {
  const rec = obj(o[key], `${path}${key}`);
  for (const k of Object.keys(rec)) num(rec, k, `${path}${key}.`);
  return rec as Record<string, number>;
}

function checkVersion(o: Obj, path: string): void {
  if (o.v !== RECORD_VERSION) {
    throw new Bad(`${path}v`, `has record format ${JSON.stringify(o.v ?? null)}, this lab reads format ${RECORD_VERSION}`);
  }
}

/** Checks one TensorData: integer shape, known dtype, buffer length = elements × bytes per element. */
export function checkTensor(v: unknown, field: string): TensorData {
  const o = obj(v, field);
  const shape = o.shape;
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) throw new Bad(`${field}.shape`, 'is not a list of sizes');
  const dtype = o.dtype;
  if (dtype !== 'float32' && dtype !== 'int32' && dtype !== 'bool') throw new Bad(`${field}.dtype`, `is ${JSON.stringify(dtype)}, not float32, int32 or bool`);
  if (!(o.data instanceof ArrayBuffer)) throw new Bad(`${field}.data`, 'is not a byte buffer');
  const expected = (shape as number[]).reduce((a, b) => a * b, 1) * bytesPerElement(dtype);
  if (o.data.byteLength !== expected) throw new Bad(`${field}.data`, `holds ${o.data.byteLength} bytes, shape and dtype need ${expected}`);
  return { shape: shape as number[], dtype, data: o.data };
}

function tensorMap(o: Obj, key: string, path: string): Record<string, TensorData> {
  const rec = obj(o[key], `${path}${key}`);
  for (const name of Object.keys(rec)) checkTensor(rec[name], `${path}${key}.${name}`);
  return rec as Record<string, TensorData>;
}

function checkMetrics(v: unknown, field: string): EpochMetrics {
  const o = obj(v, field);
  for (const key of ['epoch', 'lossWeights', 'lossAlpha', 'accFailures', 'accValidation', 'accAdversarial', 'wallMs', 'samplesPerSecond']) {
    num(o, key, `${field}.`);
  }
  if (!Array.isArray(o.alphaSoftmax) || !Array.isArray(o.ops) || !isObj(o.genotype)) throw new Bad(field, 'lacks alphaSoftmax, ops or genotype');
  return o as unknown as EpochMetrics;
}

function checkSummary(v: unknown, field: string): CheckpointSummary {
  const o = obj(v, field);
  for (const key of ['epoch', 'accValidation', 'sizeBytes', 'savedAt']) num(o, key, `${field}.`);
  return o as unknown as CheckpointSummary;
}

function guard<T>(fn: () => T): Checked<T> {
  try {
    return { ok: true, value: fn() };
  } catch (err) {
    if (err instanceof Bad) return { ok: false, field: err.field, problem: err.problem };
    throw err;
  }
}

/** Checks a session record read from storage or a file. */
export function checkSession(v: unknown, path = ''): Checked<SessionRecord> {
  return guard(() => {
    const o = obj(v, path || 'session');
    checkVersion(o, path);
    for (const key of ['id', 'name', 'modelId', 'modelName', 'datasetName', 'corruption']) str(o, key, path);
    for (const key of ['severity', 'epoch', 'createdAt', 'updatedAt']) num(o, key, path);
    if (!SESSION_STATUSES.includes(o.status as SessionRecord['status'])) throw new Bad(`${path}status`, `is ${JSON.stringify(o.status)}`);
    obj(o.config, `${path}config`);
    if (o.chosenBlock !== null) num(o, 'chosenBlock', path);
    if (o.bestAccuracy !== null) num(o, 'bestAccuracy', path);
    if (!Array.isArray(o.history)) throw new Bad(`${path}history`, 'is not a list');
    o.history.forEach((m, i) => checkMetrics(m, `${path}history[${i}]`));
    if (!Array.isArray(o.checkpoints)) throw new Bad(`${path}checkpoints`, 'is not a list');
    o.checkpoints.forEach((s, i) => checkSummary(s, `${path}checkpoints[${i}]`));
    if (o.owner !== null) {
      const owner = obj(o.owner, `${path}owner`);
      str(owner, 'tabId', `${path}owner.`);
      num(owner, 'heartbeatAt', `${path}owner.`);
    }
    return o as unknown as SessionRecord;
  });
}

/** Checks a checkpoint record, including every tensor's byte length. */
export function checkCheckpoint(v: unknown, path = ''): Checked<CheckpointRecord> {
  return guard(() => {
    const o = obj(v, path || 'checkpoint');
    checkVersion(o, path);
    str(o, 'sessionId', path);
    for (const key of ['epoch', 'rngState', 'accValidation', 'sizeBytes', 'savedAt']) num(o, key, path);
    checkTensor(o.alpha, `${path}alpha`);
    for (const key of ['supernet', 'fineTune', 'optimizer']) tensorMap(o, key, path);
    numRecord(o, 'counters', path);
    numRecord(o, 'timings', path);
    return o as unknown as CheckpointRecord;
  });
}

/** Checks an imported-model record. */
export function checkModel(v: unknown, path = ''): Checked<ModelRecord> {
  return guard(() => {
    const o = obj(v, path || 'model');
    checkVersion(o, path);
    str(o, 'id', path);
    str(o, 'name', path);
    num(o, 'createdAt', path);
    if (!Array.isArray(o.files) || o.files.length === 0) throw new Bad(`${path}files`, 'is not a non-empty list');
    o.files.forEach((f, i) => {
      const file = obj(f, `${path}files[${i}]`);
      str(file, 'name', `${path}files[${i}].`);
      if (!(file.bytes instanceof ArrayBuffer)) throw new Bad(`${path}files[${i}].bytes`, 'is not a byte buffer');
    });
    if (!Array.isArray(o.blockOverrides)) throw new Bad(`${path}blockOverrides`, 'is not a list');
    return o as unknown as ModelRecord;
  });
}

/** Checks a cached-dataset record: buffer sizes agree with the shape. */
export function checkDataset(v: unknown, path = ''): Checked<DatasetRecord> {
  return guard(() => {
    const o = obj(v, path || 'dataset');
    checkVersion(o, path);
    str(o, 'name', path);
    str(o, 'provenance', path);
    num(o, 'cachedAt', path);
    const shape = o.shape;
    if (!Array.isArray(shape) || shape.length !== 4 || !shape.every((d) => Number.isInteger(d) && d > 0)) throw new Bad(`${path}shape`, 'is not [count, height, width, channels]');
    if (o.imageDtype !== 'uint8' && o.imageDtype !== 'float32') throw new Bad(`${path}imageDtype`, 'is not uint8 or float32');
    if (!(o.images instanceof ArrayBuffer) || !(o.labels instanceof ArrayBuffer)) throw new Bad(`${path}images`, 'images or labels are not byte buffers');
    const [count, h, w, c] = shape as number[];
    if (o.images.byteLength !== count * h * w * c * (o.imageDtype === 'uint8' ? 1 : 4)) throw new Bad(`${path}images`, 'byte length does not match the shape');
    if (o.labels.byteLength !== count * 4) throw new Bad(`${path}labels`, 'byte length does not match the count');
    if (!Array.isArray(o.classNames) || !o.classNames.every((n) => typeof n === 'string')) throw new Bad(`${path}classNames`, 'is not a list of names');
    return o as unknown as DatasetRecord;
  });
}

/** One-line warning for a skipped record, e.g. "Skipped sessions record "x": status is 7". */
export function skipWarning(store: string, key: unknown, checked: { field: string; problem: string }): string {
  return `Skipped ${store} record ${JSON.stringify(key)}: ${checked.field} ${checked.problem}.`;
}

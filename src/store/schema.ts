/**
 * The lab's IndexedDB schema. `ArchRepairDB` is the current version; older versions stay here,
 * frozen, because the upgrade code and the migration tests still need their shapes.
 * Our database name is never `tensorflowjs` (tfjs owns that one for indexeddb:// saves).
 */
import type { DBSchema, IDBPDatabase, IDBPTransaction, StoreNames } from 'idb';
import type { EpochMetrics, TensorData } from '../core/types';
import type { CheckpointRecord, DatasetRecord, JsonValue, ModelRecord, SessionRecord, SessionStatus } from './records';
import type { SettingRecord } from './settings';
import { checkpointFromV1, datasetFromV1, modelFromV1, sessionFromV1, summaryOf } from './migrate';

export const DB_NAME = 'archrepair-lab';
export const DB_VERSION = 3;

// ------------------------------------------------------------------------------------------
// Version 1 (frozen). Sessions had no display name, best accuracy, owner or checkpoint list;
// checkpoints kept every tensor in one flat `weights` map with prefixes 'supernet/',
// 'finetune/' and 'opt/'; datasets were always float32; no index on checkpoints.

export interface SessionRecordV1 {
  id: string;
  modelId: string;
  datasetName: string;
  corruption: string;
  severity: number;
  config: { [key: string]: JsonValue };
  status: SessionStatus;
  chosenBlock: number | null;
  history: EpochMetrics[];
  epoch: number;
  updatedAt: number;
}

export interface CheckpointRecordV1 {
  sessionId: string;
  epoch: number;
  alpha: TensorData;
  weights: Record<string, TensorData>;
  rngState: number;
  timings: Record<string, number>;
  accValidation: number;
}

export interface ModelRecordV1 {
  id: string;
  name: string;
  files: { name: string; bytes: ArrayBuffer }[];
  createdAt: number;
}

export interface DatasetRecordV1 {
  name: string;
  images: ArrayBuffer;
  labels: ArrayBuffer;
  shape: [number, number, number, number];
  classNames: string[];
  provenance: string;
}

export interface ArchRepairDBV1 extends DBSchema {
  models: { key: string; value: ModelRecordV1 };
  datasets: { key: string; value: DatasetRecordV1 };
  sessions: { key: string; value: SessionRecordV1 };
  checkpoints: { key: [string, number]; value: CheckpointRecordV1 };
}

// ------------------------------------------------------------------------------------------
// Version 2: the four stores of version 1, checkpoints indexed by session; records in format 2
// (the current record types).

export interface ArchRepairDBV2 extends DBSchema {
  models: { key: string; value: ModelRecord };
  datasets: { key: string; value: DatasetRecord };
  sessions: { key: string; value: SessionRecord };
  checkpoints: { key: [string, number]; value: CheckpointRecord; indexes: { 'by-session': string } };
}

// ------------------------------------------------------------------------------------------
// Version 3 (current): adds `settings`, small per-device records (the calibrated backend).

export interface ArchRepairDB extends ArchRepairDBV2 {
  settings: { key: string; value: SettingRecord };
}

/** Key paths and indexes of the current version (the in-memory fallback mirrors them). */
export const STORE_LAYOUT = {
  models: { keyPath: 'id', indexes: {} },
  datasets: { keyPath: 'name', indexes: {} },
  sessions: { keyPath: 'id', indexes: {} },
  checkpoints: { keyPath: ['sessionId', 'epoch'], indexes: { 'by-session': 'sessionId' } },
  settings: { keyPath: 'key', indexes: {} },
} as const;

/** Version 1 step: the four stores, as version 1 created them. Exported for the migration test. */
export function createStoresV1(db: IDBPDatabase<ArchRepairDBV1>): void {
  db.createObjectStore('models', { keyPath: 'id' });
  db.createObjectStore('datasets', { keyPath: 'name' });
  db.createObjectStore('sessions', { keyPath: 'id' });
  db.createObjectStore('checkpoints', { keyPath: ['sessionId', 'epoch'] });
}

type UpgradeTx = IDBPTransaction<ArchRepairDB, StoreNames<ArchRepairDB>[], 'versionchange'>;

/**
 * Version 2 step: index checkpoints by session; split flat checkpoint weights into supernet /
 * fine-tune / optimiser maps with sizes; give sessions a name, best accuracy, owner and
 * checkpoint summaries; tag every record with format 2. Records that cannot be converted are
 * left as they are: reads skip them with a warning.
 */
async function migrateToV2(tx: UpgradeTx): Promise<void> {
  tx.objectStore('checkpoints').createIndex('by-session', 'sessionId');
  const summaries = new Map<string, ReturnType<typeof summaryOf>[]>();
  for (let c = await tx.objectStore('checkpoints').openCursor(); c; c = await c.continue()) {
    const next = checkpointFromV1(c.value as unknown);
    if (!next) continue;
    await c.update(next);
    summaries.set(next.sessionId, [...(summaries.get(next.sessionId) ?? []), summaryOf(next)]);
  }
  const modelNames = new Map<string, string>();
  for (let c = await tx.objectStore('models').openCursor(); c; c = await c.continue()) {
    const next = modelFromV1(c.value as unknown);
    if (!next) continue;
    modelNames.set(next.id, next.name);
    await c.update(next);
  }
  for (let c = await tx.objectStore('sessions').openCursor(); c; c = await c.continue()) {
    const id = String(c.key);
    const next = sessionFromV1(c.value as unknown, summaries.get(id) ?? [], modelNames);
    if (next) await c.update(next);
  }
  for (let c = await tx.objectStore('datasets').openCursor(); c; c = await c.continue()) {
    const next = datasetFromV1(c.value as unknown);
    if (next) await c.update(next);
  }
}

/** Version 3 step: an empty `settings` store; nothing else changes. */
function createSettingsStore(db: IDBPDatabase<ArchRepairDB>): void {
  db.createObjectStore('settings', { keyPath: 'key' });
}

/**
 * The `upgrade` callback for openDB: climbs one version at a time from `oldVersion` up to
 * `toVersion` (the current one; tests stop earlier to write an older database).
 */
export async function upgradeLabDb(db: IDBPDatabase<ArchRepairDB>, oldVersion: number, tx: UpgradeTx, toVersion = DB_VERSION): Promise<void> {
  if (oldVersion < 1) createStoresV1(db as unknown as IDBPDatabase<ArchRepairDBV1>);
  if (oldVersion < 2 && toVersion >= 2) await migrateToV2(tx);
  if (oldVersion < 3 && toVersion >= 3) createSettingsStore(db);
}

/** Repair sessions in the `sessions` store: create, read, list, rename, update, delete. */
import { LabError } from '../core/errors';
import { abortQuietly, type LabDb } from './db';
import { RECORD_VERSION, type JsonValue, type SessionRecord, type SessionStatus } from './records';
import { checkSession, skipWarning } from './validate';

/** What the caller provides to start a session. */
export interface NewSession {
  id?: string;
  name: string;
  modelId: string;
  modelName?: string;
  datasetName: string;
  corruption: string;
  severity: number;
  config: { [key: string]: JsonValue };
  chosenBlock?: number | null;
  status?: SessionStatus;
}

/** One row of the session manager: the record's descriptive fields plus sizes and the owner. */
export interface SessionSummary
  extends Pick<SessionRecord, 'id' | 'name' | 'modelId' | 'modelName' | 'datasetName' | 'corruption' | 'severity' | 'status' | 'epoch' | 'bestAccuracy' | 'updatedAt'> {
  checkpointCount: number;
  /** Checkpoint bytes plus an estimate of the session record itself. */
  sizeBytes: number;
  ownerTabId: string | null;
}

/** Fields a caller may change on a session outside a checkpoint write. */
export type SessionPatch = Partial<Pick<SessionRecord, 'status' | 'chosenBlock' | 'config' | 'name'>>;

/** A random id (crypto.randomUUID where present). */
export function newId(): string {
  return globalThis.crypto?.randomUUID?.() ?? `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
}

/** Checks a user-given session name: 1–100 characters after trimming. */
export function checkSessionName(name: string): string {
  const trimmed = name.trim();
  if (trimmed.length === 0 || trimmed.length > 100) {
    throw new LabError('A session name must have 1 to 100 characters.', { field: 'name', fix: 'Type a shorter, non-empty name.' });
  }
  return trimmed;
}

/** Creates and stores a new session (status 'running' unless given); returns the record. */
export async function createSession(db: LabDb, input: NewSession, now = Date.now()): Promise<SessionRecord> {
  const record: SessionRecord = {
    v: RECORD_VERSION,
    id: input.id ?? newId(),
    name: checkSessionName(input.name),
    modelId: input.modelId,
    modelName: input.modelName ?? input.modelId,
    datasetName: input.datasetName,
    corruption: input.corruption,
    severity: input.severity,
    config: input.config,
    status: input.status ?? 'running',
    chosenBlock: input.chosenBlock ?? null,
    history: [],
    bestAccuracy: null,
    epoch: 0,
    createdAt: now,
    updatedAt: now,
    owner: null,
    checkpoints: [],
  };
  await db.put('sessions', record);
  return record;
}

/** One session, or null if missing or unreadable (then a warning says why). */
export async function getSession(db: LabDb, id: string): Promise<{ session: SessionRecord | null; warnings: string[] }> {
  const value: unknown = await db.get('sessions', id);
  if (value === undefined) return { session: null, warnings: [] };
  const checked = checkSession(value);
  return checked.ok ? { session: checked.value, warnings: [] } : { session: null, warnings: [skipWarning('sessions', id, checked)] };
}

function summarize(s: SessionRecord): SessionSummary {
  const checkpointBytes = s.checkpoints.reduce((sum, c) => sum + c.sizeBytes, 0);
  return {
    id: s.id,
    name: s.name,
    modelId: s.modelId,
    modelName: s.modelName,
    datasetName: s.datasetName,
    corruption: s.corruption,
    severity: s.severity,
    status: s.status,
    epoch: s.epoch,
    bestAccuracy: s.bestAccuracy,
    checkpointCount: s.checkpoints.length,
    sizeBytes: checkpointBytes + JSON.stringify(s).length,
    updatedAt: s.updatedAt,
    ownerTabId: s.owner?.tabId ?? null,
  };
}

/** All readable sessions, newest first, with their size on disk; bad records become warnings. */
export async function listSessions(db: LabDb): Promise<{ sessions: SessionSummary[]; warnings: string[] }> {
  const tx = db.transaction('sessions');
  const [keys, values] = await Promise.all([tx.store.getAllKeys(), tx.store.getAll() as Promise<unknown[]>]);
  const sessions: SessionSummary[] = [];
  const warnings: string[] = [];
  values.forEach((value, i) => {
    const checked = checkSession(value);
    if (checked.ok) sessions.push(summarize(checked.value));
    else warnings.push(skipWarning('sessions', keys[i], checked));
  });
  sessions.sort((a, b) => b.updatedAt - a.updatedAt);
  return { sessions, warnings };
}

/** Sessions a reload interrupted or the user paused ('running' or 'paused'), newest first. */
export async function listUnfinishedSessions(db: LabDb): Promise<{ sessions: SessionSummary[]; warnings: string[] }> {
  const all = await listSessions(db);
  return { ...all, sessions: all.sessions.filter((s) => s.status === 'running' || s.status === 'paused') };
}

/** Applies `patch` to a session in one transaction; false if the session is missing or unreadable. */
export async function updateSession(db: LabDb, id: string, patch: SessionPatch, now = Date.now()): Promise<boolean> {
  const tx = db.transaction('sessions', 'readwrite');
  const checked = checkSession(await tx.store.get(id));
  if (!checked.ok) {
    await abortQuietly(tx);
    return false;
  }
  await tx.store.put({ ...checked.value, ...patch, updatedAt: now });
  await tx.done;
  return true;
}

/** Renames a session (LabError for an empty or too long name); false if it is missing. */
export async function renameSession(db: LabDb, id: string, name: string): Promise<boolean> {
  return updateSession(db, id, { name: checkSessionName(name) });
}

/** Deletes a session and all its checkpoints in one transaction; returns the checkpoints removed. */
export async function deleteSession(db: LabDb, id: string): Promise<{ deletedCheckpoints: number }> {
  const tx = db.transaction(['sessions', 'checkpoints'], 'readwrite');
  const checkpoints = tx.objectStore('checkpoints');
  const keys = await checkpoints.index('by-session').getAllKeys(id);
  for (const key of keys) await checkpoints.delete(key);
  await tx.objectStore('sessions').delete(id);
  await tx.done;
  return { deletedCheckpoints: keys.length };
}

/**
 * Checkpoints in the `checkpoints` store. One epoch = one transaction that writes the
 * checkpoint, prunes old ones and updates the session, so a crash leaves the previous or the
 * new state complete. Writes never throw into the running search: they return a result.
 */
import type { IDBPObjectStore } from 'idb';
import type { EpochMetrics, TensorData } from '../core/types';
import type { ArchRepairDB } from './schema';
import { abortQuietly, type LabDb } from './db';
import { summaryOf } from './migrate';
import { RECORD_VERSION, tensorBytes, type CheckpointRecord, type CheckpointSummary, type SessionRecord, type SessionStatus } from './records';
import { checkCheckpoint, checkSession, skipWarning } from './validate';

/** Checkpoints kept per session besides the best one. */
export const KEEP_CHECKPOINTS = 3;

/** What the worker hands over after an epoch (tensors already read into TensorData). */
export interface CheckpointInput {
  sessionId: string;
  epoch: number;
  alpha: TensorData;
  supernet: Record<string, TensorData>;
  fineTune?: Record<string, TensorData>;
  optimizer: Record<string, TensorData>;
  counters?: Record<string, number>;
  rngState: number;
  timings?: Record<string, number>;
  /** Clean validation accuracy in [0, 1]. */
  accValidation: number;
  /** This epoch's metrics, appended to the session history (replacing any of the same epoch). */
  metrics?: EpochMetrics;
  status?: SessionStatus;
  chosenBlock?: number | null;
}

export type PutCheckpointResult =
  | { ok: true; epoch: number; sizeBytes: number; pruned: number[]; recoveredFromQuota: boolean }
  | { ok: false; reason: 'quota' | 'missing-session' | 'invalid' | 'error'; message: string; pruned: number[] };

/** Epochs to delete: all but the last `keep` epochs and the best by validation accuracy. */
export function choosePruned(summaries: Pick<CheckpointSummary, 'epoch' | 'accValidation'>[], keep = KEEP_CHECKPOINTS): number[] {
  const byEpoch = [...summaries].sort((a, b) => b.epoch - a.epoch);
  const kept = new Set(byEpoch.slice(0, Math.max(1, keep)).map((s) => s.epoch));
  const best = byEpoch.reduce<(typeof byEpoch)[number] | null>((b, s) => (b === null || s.accValidation > b.accValidation ? s : b), null);
  if (best) kept.add(best.epoch);
  return byEpoch.filter((s) => !kept.has(s.epoch)).map((s) => s.epoch).sort((a, b) => a - b);
}

/** True for the errors browsers raise when storage is full. */
export function isQuotaError(err: unknown): boolean {
  const name = (err as { name?: unknown } | null)?.name;
  return name === 'QuotaExceededError' || name === 'NS_ERROR_DOM_QUOTA_REACHED';
}

type CheckpointsStore<M extends IDBTransactionMode> = IDBPObjectStore<ArchRepairDB, ('sessions' | 'checkpoints')[], 'checkpoints', M>;
type WriteOutcome = { ok: true; pruned: number[] } | { ok: false; missing: boolean; error: unknown };

/** Inside an open transaction: summaries of the stored epochs, reconciled with the real keys. */
async function storedSummaries<M extends IDBTransactionMode>(checkpoints: CheckpointsStore<M>, session: SessionRecord): Promise<CheckpointSummary[]> {
  const keys = (await checkpoints.index('by-session').getAllKeys(session.id)) as [string, number][];
  const known = new Map(session.checkpoints.map((s) => [s.epoch, s]));
  return keys.map(([, epoch]) => known.get(epoch) ?? { epoch, accValidation: 0, sizeBytes: 0, savedAt: 0 });
}

async function writeOnce(db: LabDb, record: CheckpointRecord, input: CheckpointInput, keep: number, now: number): Promise<WriteOutcome> {
  const tx = db.transaction(['sessions', 'checkpoints'], 'readwrite');
  try {
    const sessions = tx.objectStore('sessions');
    const checkpoints = tx.objectStore('checkpoints');
    const checked = checkSession(await sessions.get(record.sessionId));
    if (!checked.ok) {
      await abortQuietly(tx);
      return { ok: false, missing: true, error: null };
    }
    const session = checked.value;
    await checkpoints.put(record);
    // Epochs after this one belong to an abandoned run (resumed from an earlier checkpoint).
    const previous = (await storedSummaries(checkpoints, session)).filter((s) => s.epoch !== record.epoch);
    const stale = previous.filter((s) => s.epoch > record.epoch).map((s) => s.epoch);
    const summaries = [...previous.filter((s) => s.epoch < record.epoch), summaryOf(record)];
    const pruned = [...choosePruned(summaries, keep), ...stale];
    for (const epoch of pruned) await checkpoints.delete([record.sessionId, epoch]);
    const history = input.metrics ? [...session.history.filter((m) => m.epoch < record.epoch), input.metrics] : session.history;
    const accuracies = [...history.map((m) => m.accValidation), record.accValidation];
    await sessions.put({
      ...session,
      epoch: record.epoch,
      history,
      bestAccuracy: Math.max(...accuracies),
      status: input.status ?? session.status,
      chosenBlock: input.chosenBlock === undefined ? session.chosenBlock : input.chosenBlock,
      updatedAt: now,
      checkpoints: summaries.filter((s) => !pruned.includes(s.epoch)).sort((a, b) => a.epoch - b.epoch),
    });
    await tx.done;
    return { ok: true, pruned };
  } catch (error) {
    await abortQuietly(tx);
    return { ok: false, missing: false, error };
  }
}

function toRecord(input: CheckpointInput, now: number): CheckpointRecord {
  const fineTune = input.fineTune ?? {};
  return {
    v: RECORD_VERSION,
    sessionId: input.sessionId,
    epoch: input.epoch,
    alpha: input.alpha,
    supernet: input.supernet,
    fineTune,
    optimizer: input.optimizer,
    counters: input.counters ?? {},
    rngState: input.rngState,
    timings: input.timings ?? {},
    accValidation: input.accValidation,
    sizeBytes: input.alpha.data.byteLength + tensorBytes(input.supernet) + tensorBytes(fineTune) + tensorBytes(input.optimizer),
    savedAt: now,
  };
}

/**
 * Saves one epoch: checkpoint + session update + pruning to the last `keep` and the best, in
 * one transaction. On a full disk it prunes harder (last one + best) and retries once; if that
 * fails too the result says so and the caller tells the user. Never throws.
 */
export async function putCheckpoint(db: LabDb, input: CheckpointInput, options: { keep?: number; now?: number } = {}): Promise<PutCheckpointResult> {
  const now = options.now ?? Date.now();
  const keep = options.keep ?? KEEP_CHECKPOINTS;
  const record = toRecord(input, now);
  const checked = checkCheckpoint(record);
  if (!checked.ok) return { ok: false, reason: 'invalid', message: `Checkpoint not saved: ${checked.field} ${checked.problem}.`, pruned: [] };
  const first = await writeOnce(db, record, input, keep, now);
  if (first.ok) return { ok: true, epoch: record.epoch, sizeBytes: record.sizeBytes, pruned: first.pruned, recoveredFromQuota: false };
  if (first.missing) return { ok: false, reason: 'missing-session', message: `Checkpoint not saved: session ${input.sessionId} is missing or unreadable.`, pruned: [] };
  if (!isQuotaError(first.error)) return { ok: false, reason: 'error', message: `Checkpoint of epoch ${record.epoch} not saved: ${String(first.error)}`, pruned: [] };
  const freed = await pruneCheckpoints(db, input.sessionId, 1).catch((): number[] => []);
  const second = await writeOnce(db, record, input, keep, now);
  if (second.ok) return { ok: true, epoch: record.epoch, sizeBytes: record.sizeBytes, pruned: [...freed, ...second.pruned], recoveredFromQuota: true };
  return {
    ok: false,
    reason: 'quota',
    message: `Storage is full: the checkpoint of epoch ${record.epoch} was not saved (the search goes on in memory). Delete or export old sessions to free space.`,
    pruned: freed,
  };
}

/** Deletes all but the last `keep` checkpoints and the best of a session; returns deleted epochs. */
export async function pruneCheckpoints(db: LabDb, sessionId: string, keep = KEEP_CHECKPOINTS): Promise<number[]> {
  const tx = db.transaction(['sessions', 'checkpoints'], 'readwrite');
  const checked = checkSession(await tx.objectStore('sessions').get(sessionId));
  if (!checked.ok) {
    await abortQuietly(tx);
    return [];
  }
  const checkpoints = tx.objectStore('checkpoints');
  const summaries = await storedSummaries(checkpoints, checked.value);
  const pruned = choosePruned(summaries, keep);
  for (const epoch of pruned) await checkpoints.delete([sessionId, epoch]);
  const kept = summaries.filter((s) => !pruned.includes(s.epoch)).sort((a, b) => a.epoch - b.epoch);
  await tx.objectStore('sessions').put({ ...checked.value, checkpoints: kept });
  await tx.done;
  return pruned;
}

async function readCheckpoint(db: LabDb, key: [string, number], warnings: string[]): Promise<CheckpointRecord | null> {
  const value: unknown = await db.get('checkpoints', key);
  if (value === undefined) return null;
  const checked = checkCheckpoint(value);
  if (checked.ok) return checked.value;
  warnings.push(skipWarning('checkpoints', key, checked));
  return null;
}

/** The newest readable checkpoint of a session (older ones are tried when the newest is bad). */
export async function latestCheckpoint(db: LabDb, sessionId: string): Promise<{ checkpoint: CheckpointRecord | null; warnings: string[] }> {
  const warnings: string[] = [];
  const keys = (await db.getAllKeysFromIndex('checkpoints', 'by-session', sessionId)) as [string, number][];
  for (const key of keys.sort((a, b) => b[1] - a[1])) {
    const checkpoint = await readCheckpoint(db, key, warnings);
    if (checkpoint) return { checkpoint, warnings };
  }
  return { checkpoint: null, warnings };
}

/** One checkpoint by epoch, or null if missing or unreadable (a warning says why). */
export async function getCheckpoint(db: LabDb, sessionId: string, epoch: number): Promise<{ checkpoint: CheckpointRecord | null; warnings: string[] }> {
  const warnings: string[] = [];
  return { checkpoint: await readCheckpoint(db, [sessionId, epoch], warnings), warnings };
}

/** Summaries of the stored checkpoints of a session, ascending by epoch (no weights loaded). */
export async function listCheckpoints(db: LabDb, sessionId: string): Promise<{ checkpoints: CheckpointSummary[]; warnings: string[] }> {
  const tx = db.transaction(['sessions', 'checkpoints'], 'readonly');
  const value: unknown = await tx.objectStore('sessions').get(sessionId);
  const checked = checkSession(value);
  if (!checked.ok) return { checkpoints: [], warnings: value === undefined ? [] : [skipWarning('sessions', sessionId, checked)] };
  const summaries = await storedSummaries(tx.objectStore('checkpoints'), checked.value);
  return { checkpoints: summaries.sort((a, b) => a.epoch - b.epoch), warnings: [] };
}

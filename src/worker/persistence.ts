/** The sessions panel in the worker: list, resume from the latest checkpoint, rename, delete, files, storage. */
import { LabError } from '../core/errors';
import type { LocalizationResult } from '../core/localize/localize';
import { validateLocalizeSettings } from '../core/localize/settings';
import type { CancelToken } from '../core/progress';
import type { BlockScore, ProgressCallback } from '../core/types';
import {
  claimSession, deleteSession, releaseSession, exportSession, getSession, importSession, latestCheckpoint, listSessions, renameSession, storageEstimate, updateSession,
  type ImportResult, type LabDbHandle,
} from '../store';
import type { AssetReader } from './assets';
import { searchStateOf } from './checkpoint';
import { openCached } from './datasets';
import { applyOverrides, modelView, openDemo, openStoredModel, requireModel } from './models';
import { collectFailures, failureView, localizationView, searchInfo } from './repair';
import { checkDriftIdentity, driftSetView, namedDrift, openCachedDriftSet } from './drift-set';
import type { DriftSetView, LessonSettings, ResumeView, StorageView } from './lab-types';
import type { Workspace } from './workspace';

/** Sessions, storage usage and whether storage persists. */
export async function storageView(handle: LabDbHandle): Promise<StorageView> {
  const { sessions, warnings } = await listSessions(handle.db);
  return { isPersistent: handle.persistent, reason: handle.reason, estimate: await storageEstimate(), sessions, warnings };
}

/** Stored localization from a session's config, as the session object expects it (the ranking only). */
interface StoredLocalization {
  scores: BlockScore[];
  method: LocalizationResult['method'];
  formula: LocalizationResult['formula'];
  timingsMs: LocalizationResult['timingsMs'];
  counts: LocalizationResult['counts'];
}

/**
 * Resumes a stored session: reopens its model and dataset, rebuilds the same repair data (seeded),
 * restores the latest checkpoint, and hands the history back. The next epoch continues exactly.
 */
export async function resumeSession(ws: Workspace, handle: LabDbHandle, read: AssetReader, tabId: string, id: string, cancel?: CancelToken, onProgress?: ProgressCallback): Promise<ResumeView> {
  const { db } = handle;
  const { session: record, warnings } = await getSession(db, id);
  if (!record) throw new LabError(`The session could not be read${warnings.length ? ` (${warnings.join('; ')})` : ''}.`, { field: 'session', fix: 'Delete it in the sessions panel and start a new one.' });
  const config = record.config as { lesson?: LessonSettings; overrides?: unknown; localization?: StoredLocalization | null };
  if (!config.lesson) throw new LabError('The session has no lesson settings.', { field: 'config.lesson', fix: 'Start a new session.' });
  // Before anything changes here: a session made with another drift set than the one dropped now is refused.
  const driftSet = await sessionDriftSet(ws, db, config.lesson);
  const claim = await claimSession(db, id, tabId);
  if (!claim.owned) throw new LabError(claim.reason, { field: 'session', fix: 'Close the other tab, or wait until it lets go, then resume again.' });

  if (record.modelId.startsWith('demo:')) {
    await openDemo(ws, read, record.modelId.slice('demo:'.length));
    const cur = requireModel(ws);
    cur.overrides = Array.isArray(config.overrides) ? (config.overrides as typeof cur.overrides) : [];
    cur.graph = applyOverrides(cur.baseGraph, cur.overrides);
  } else if (record.modelId.startsWith('unsaved:')) {
    throw new LabError('This session used a model that was not saved in the browser.', { field: 'modelId', fix: 'Drop the model files again with "save in this browser" ticked, then start a new search.' });
  } else {
    await openStoredModel(ws, db, record.modelId);
  }
  const dataset = await openCached(ws, db, read, record.datasetName);
  const failures = await collectFailures(ws, config.lesson, cancel, onProgress);
  const session = ws.session!;
  if (record.chosenBlock === null) throw new LabError('The session never chose a block.', { field: 'chosenBlock', fix: 'Start a new search.' });
  if (config.localization) {
    // The ranking is kept with the session; the per-neuron terms are not needed to continue.
    const byBlock = [...config.localization.scores].sort((a, b) => a.blockIndex - b.blockIndex);
    const settings = validateLocalizeSettings({ seed: session.config.seed, ...session.config.localize });
    session.localization = { ...config.localization, settings, terms: { forward: byBlock.map((s) => s.forward), backward: byBlock.map((s) => s.backward) }, neuronScores: [], thresholds: [] };
  }
  session.chooseBlock(record.chosenBlock);
  await session.startSearch(cancel, onProgress);
  const { checkpoint } = await latestCheckpoint(db, id);
  if (checkpoint) session.activeSearch!.setState(searchStateOf(checkpoint));
  const epoch = checkpoint?.epoch ?? 0;
  session.history = record.history.filter((m) => m.epoch <= epoch);
  ws.sessionId = id;
  await updateSession(db, id, { status: 'running' }).catch(() => false);
  return {
    model: modelView(requireModel(ws)),
    dataset,
    failures: failureView(ws),
    localization: session.localization ? localizationView(ws) : null,
    search: { ...(await searchInfo(ws)), isPersistent: handle.persistent },
    history: session.history,
    config: config.lesson,
    driftSet,
  };
}

/**
 * The drift set a session was made with: the one dropped now when it is the same, else the
 * cached copy when none is dropped; refused when the set dropped now is another.
 */
async function sessionDriftSet(ws: Workspace, db: LabDbHandle['db'], lesson: LessonSettings): Promise<DriftSetView | null> {
  const wanted = namedDrift(lesson);
  if (!wanted) return null;
  if (!ws.drift) await openCachedDriftSet(ws, db, wanted.name, wanted.hash);
  checkDriftIdentity(ws, lesson, 'session');
  return driftSetView(ws, false);
}

/** Marks the current session paused and lets go of it, so another tab may resume it. */
export async function pauseSession(ws: Workspace, handle: LabDbHandle, tabId: string): Promise<void> {
  if (!ws.sessionId) return;
  await updateSession(handle.db, ws.sessionId, { status: 'paused' }).catch(() => false);
  await releaseSession(handle.db, ws.sessionId, tabId).catch(() => undefined);
}

export async function rename(handle: LabDbHandle, id: string, name: string): Promise<void> {
  if (!(await renameSession(handle.db, id, name))) throw new LabError('That session no longer exists.', { field: 'id', fix: 'Reload the sessions list.' });
}

export async function remove(ws: Workspace, handle: LabDbHandle, id: string): Promise<void> {
  if (ws.sessionId === id) ws.sessionId = null;
  await deleteSession(handle.db, id);
}

/** One file holding the session, its checkpoints and its saved model. */
export async function exportSessionFile(handle: LabDbHandle, id: string): Promise<Uint8Array> {
  return exportSession(handle.db, id);
}

/** Stores a session file; demo sessions need no model in the file (the zoo is built in), so that warning is dropped. */
export async function importSessionFile(handle: LabDbHandle, bytes: Uint8Array): Promise<ImportResult> {
  const result = await importSession(handle.db, bytes);
  const { session } = await getSession(handle.db, result.sessionId);
  if (session?.modelId.startsWith('demo:')) return { ...result, warnings: result.warnings.filter((w) => !w.includes(session.modelName) || !/not in the file/.test(w)) };
  return result;
}

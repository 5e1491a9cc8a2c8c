/**
 * The user's own drift set in the worker: dropped files → a labelled set fitted to the model and
 * checked against its classes (the core path the CLI's --drift takes), its IndexedDB cache, and
 * the check that a lesson or a session gets the drift set it names.
 */
import { LabError } from '../core/errors';
import { CORRUPTION_NAMES } from '../core/data/corruptions';
import type { Dataset } from '../core/data/dataset';
import { loadDroppedSet, type DroppedFile } from '../core/data/dropped-set';
import { datasetIdentity, type DatasetIdentity } from '../core/data/identity';
import type { ImageDecoder } from '../core/data/image-folder';
import { checkRepairSet, repairSetOptions, type RepairSetModel } from '../core/data/repair-set';
import type { ProgressCallback } from '../core/types';
import { getDataset, putDataset, type LabDb } from '../store';
import { datasetView, droppedSetName, type SetLimits } from './datasets';
import { requireModel } from './models';
import type { DriftSetView, LessonSettings } from './lab-types';
import type { Workspace, WorkspaceModel } from './workspace';

/** Drift sets are cached in the `datasets` store under this prefix, apart from clean sets of the same name. */
const CACHE_PREFIX = 'drift:';

/** True for a `datasets` key that holds a drift set (the clean-set list leaves those out). */
export const isDriftCacheKey = (name: string): boolean => name.startsWith(CACHE_PREFIX);

/** Names that already label a row of the results (clean, every corruption): a drift set named so gets "my-" in front. */
const TAKEN_NAMES: readonly string[] = ['clean', 'none', ...CORRUPTION_NAMES];


function modelOf(cur: WorkspaceModel): RepairSetModel {
  return { inputShape: cur.graph.inputShape, numClasses: cur.graph.numClasses, classNames: cur.validated.classNames ?? cur.card?.classNames ?? null };
}

/**
 * Loads dropped files as the drift set of the open model: sizes checked before reading, images
 * fitted to the model's input (progress per decoded image), classes checked against the model's.
 * Cached in IndexedDB; the workspace keeps its previous drift set when this one is refused.
 */
export async function importDriftSet(ws: Workspace, db: LabDb, files: readonly DroppedFile[], decode: ImageDecoder, onProgress?: ProgressCallback, limits: SetLimits = {}): Promise<DriftSetView> {
  const cur = requireModel(ws);
  if (files.length === 0) {
    throw new LabError('The drift set is empty: no files were given (an empty folder?).', { file: '(dropped folder)', field: 'files', fix: 'Drop a folder with one sub-folder of PNG/JPEG images per class, an IDX images + labels pair, or CIFAR binary batches.' });
  }
  const name = droppedSetName(files, TAKEN_NAMES, 'my-drift');
  const model = modelOf(cur);
  const loaded = await loadDroppedSet(files, { ...repairSetOptions(model, name), ...limits, onProgress }, decode);
  const { dataset } = checkRepairSet(loaded, model, name);
  const identity = await datasetIdentity(dataset);
  // A full or blocked store only loses the cache, never the drift set.
  await putDataset(db, { ...dataset, name: `${CACHE_PREFIX}${name}` }).catch(() => undefined);
  ws.setDrift({ dataset, identity, conversions: loaded.conversions });
  return driftSetView(ws, false);
}

/** Reopens the drift set cached under `name`, when its content hash is `hash` (any, when `hash` is ''); null otherwise. */
export async function openCachedDriftSet(ws: Workspace, db: LabDb, name: string, hash: string): Promise<DriftSetView | null> {
  const { dataset: stored } = await getDataset(db, `${CACHE_PREFIX}${name}`).catch(() => ({ dataset: null }));
  if (!stored) return null;
  const dataset = { ...stored, name };
  const identity = await datasetIdentity(dataset);
  if (hash && identity.hash !== hash) return null;
  ws.setDrift({ dataset, identity, conversions: [] });
  return driftSetView(ws, true);
}

/** The workspace's drift set as the Data step shows it. */
export function driftSetView(ws: Workspace, fromCache: boolean): DriftSetView {
  const drift = ws.drift;
  if (!drift) throw new LabError('No drift set is dropped.', { field: 'drift set', fix: 'Drop your drifted images in the Data step.' });
  const ds = drift.dataset;
  const info = { name: ds.name, title: ds.name, count: ds.count, shape: [ds.height, ds.width, ds.channels] as [number, number, number], classNames: ds.classNames, provenance: ds.provenance, source: 'imported' as const };
  return { ...datasetView(ds, info, fromCache), identity: structuredClone(drift.identity), conversions: [...drift.conversions] };
}

/** "name" (120 images, sha256:0123abcd…) */
function describe(id: Pick<DatasetIdentity, 'name' | 'count' | 'hash'>): string {
  return `"${id.name}" (${id.count} images, ${id.hash.slice(0, id.hash.indexOf(':') + 9)}…)`;
}

/** The drift set a lesson names, from its settings; null when its drift is a corruption. */
export function namedDrift(settings: LessonSettings): Pick<DatasetIdentity, 'name' | 'count' | 'hash'> | null {
  return settings.driftName ? { name: settings.driftName, count: settings.driftCount ?? 0, hash: settings.driftHash ?? '' } : null;
}

/**
 * Refuses a lesson or session (`what`) whose drift set is not the one dropped now (by content
 * hash and count; by name where a shared link gave no hash), or when none is dropped. Passes
 * when the drift is a corruption.
 */
export function checkDriftIdentity(ws: Workspace, settings: LessonSettings, what: 'lesson' | 'session'): void {
  const wanted = namedDrift(settings);
  if (!wanted) return;
  const now = ws.drift?.identity;
  if (!now) {
    throw new LabError(`This ${what}'s drift is your own set ${describe(wanted)}, but no drift set is dropped in this page.`, {
      file: wanted.name,
      field: 'drift set',
      fix: `Drop the folder "${wanted.name}" again under "my own drifted images" in the Data step, or choose a corruption.`,
    });
  }
  if ((wanted.hash && now.hash !== wanted.hash) || (wanted.count > 0 && now.count !== wanted.count) || (!wanted.hash && now.name !== wanted.name)) {
    throw new LabError(`This ${what} was made with the drift set ${describe(wanted)}, but the drift set dropped now is ${describe(now)}: other images.`, {
      file: now.name,
      field: 'drift set',
      fix: `Drop the same images as "${wanted.name}" again (the same files give the same hash), or start a new repair with the set dropped now.`,
    });
  }
}

/** The drift set the lesson names, checked against the open model; null when the drift is a corruption. */
export function lessonDriftSet(ws: Workspace, settings: LessonSettings): Dataset | null {
  checkDriftIdentity(ws, settings, 'lesson');
  if (!ws.drift || !settings.driftName) return null;
  const ds = ws.drift.dataset;
  const { inputShape, numClasses } = requireModel(ws).graph;
  const [h, w, c] = inputShape;
  if (ds.height !== h || ds.width !== w || ds.channels !== c || ds.classNames.length !== numClasses) {
    throw new LabError(`The drift set "${ds.name}" was fitted to a model with ${ds.height}×${ds.width}×${ds.channels} inputs and ${ds.classNames.length} classes; the model open now takes ${h}×${w}×${c} and ${numClasses} classes.`, {
      file: ds.name,
      field: 'drift set',
      fix: 'Drop the drift set again now that this model is open, so it is fitted to this model.',
    });
  }
  return ds;
}

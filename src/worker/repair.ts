/** The Data (failures), Localize, Search and derive parts of a repair in the worker. */
import { LabError } from '../core/errors';
import { subset } from '../core/data/dataset';
import { parseCorruptionName, parseSeverity } from '../core/data/corruptions';
import { RepairSession, isSearchable } from '../core/repair/session';
import { DEFAULT_REPAIR_CONFIG, WORKSHOP_REPAIR_CONFIG, type RepairConfig } from '../core/repair/config';
import { evaluateLocalizers } from '../core/localize/evaluate';
import { adversarialCopies } from '../core/localize/fgsm';
import { predictClasses } from '../core/localize/failures';
import { parseGenotype } from '../core/search/genotype';
import type { CancelToken } from '../core/progress';
import type { ProgressCallback } from '../core/types';
import { createSession, putCheckpoint, claimSession, updateSession, type JsonValue, type LabDb } from '../store';
import { batchOf, requireDataset } from './datasets';
import { requireModel } from './models';
import { checkpointInput } from './checkpoint';
import { lessonDriftSet } from './drift-set';
import type { DeriveView, EpochView, FailureView, HalfStepView, LessonSettings, LocalizationView, LocalizerEvaluationView, SearchInfo } from './lab-types';
import type { Workspace } from './workspace';

/** Failing images shown in the Data step. */
const FAILURE_EXAMPLES = 24;

/** The engine's repair config for a lesson's settings. */
export function repairConfigOf(s: LessonSettings, datasetCount: number): Partial<RepairConfig> {
  const workingSize = Math.max(20, Math.min(Math.round(s.workingSize), datasetCount));
  return {
    ...WORKSHOP_REPAIR_CONFIG,
    seed: s.seed,
    // The user's own drift set replaces the corruption (the session refuses both).
    corruption: s.driftName || s.corruption === 'none' ? 'none' : parseCorruptionName(s.corruption),
    severity: parseSeverity(s.severity),
    workingSize,
    failureCap: s.failureCap,
    // An emptied input (null) or an older session without it: the default bound.
    ...(typeof s.cleanBound === 'number' && Number.isFinite(s.cleanBound) ? { cleanTolerance: s.cleanBound / 100 } : {}),
    ...(typeof s.robustnessGuard === 'boolean' ? { robustnessGuard: s.robustnessGuard } : {}),
    search: { ...DEFAULT_REPAIR_CONFIG.search, ...WORKSHOP_REPAIR_CONFIG.search, preset: s.preset, epochs: s.epochs, batchSize: s.batchSize },
    finetune: { ...DEFAULT_REPAIR_CONFIG.finetune, ...WORKSHOP_REPAIR_CONFIG.finetune, epochs: s.finetuneEpochs, batchSize: s.batchSize },
    suiteSize: Math.max(10, Math.min(500, Math.floor(workingSize / 2))),
    suiteSeverity: 3,
  };
}

/** Starts a new repair session for the current model and dataset and collects the model's failures under the drift (a corruption, or the user's own drift set). */
export async function collectFailures(ws: Workspace, settings: LessonSettings, cancel?: CancelToken, onProgress?: ProgressCallback): Promise<FailureView> {
  const cur = requireModel(ws);
  const ds = requireDataset(ws);
  const [h, w, c] = cur.graph.inputShape;
  if (ds.height !== h || ds.width !== w || ds.channels !== c) {
    throw new LabError(`The dataset's images are ${ds.height}×${ds.width}×${ds.channels} but the model expects ${h}×${w}×${c}.`, { field: 'dataset', fix: 'Pick a dataset with images of the size the model was trained on.' });
  }
  if (ds.classNames.length !== cur.graph.numClasses) {
    throw new LabError(`The dataset has ${ds.classNames.length} classes but the model predicts ${cur.graph.numClasses}.`, { field: 'dataset', fix: 'Pick the dataset the model was trained for.', code: 'dataset_class_mismatch', params: { classes: ds.classNames.length, predicts: cur.graph.numClasses } });
  }
  const drift = lessonDriftSet(ws, settings);
  const session = new RepairSession(cur.model, cur.graph, ds, repairConfigOf(settings, ds.count), ws.training, drift);
  ws.setSession(session);
  await ws.timed('collect failures', () => session.collectFailures(cancel, onProgress));
  return failureView(ws);
}

/** The failure summary of the current session. */
export function failureView(ws: Workspace): FailureView {
  const session = requireSession(ws);
  const f = session.failures;
  if (!f) throw new LabError('Collect the failing examples first.', { field: 'failures', fix: 'Run "Find failures" in the Data step.' });
  const pool = session.driftSplit.repairPool;
  const perClass = new Array<number>(session.clean.classNames.length).fill(0);
  for (const i of f.failures.failingIndices) perClass[session.corrupted.labels[pool[i]]]++;
  const shown = f.failures.failingIndices.slice(0, FAILURE_EXAMPLES);
  return {
    corruption: f.corruption,
    // A drift set has no severity.
    severity: session.driftSet ? 0 : f.severity,
    isOwnDrift: session.driftSet !== null,
    workingSize: f.workingSize,
    repairPoolSize: f.repairPoolSize,
    heldOutSize: f.heldOutSize,
    poolAccuracy: f.failures.accuracy,
    heldOutAccuracy: f.heldOutAccuracy,
    failingTotal: f.failures.failingTotal,
    failingUsed: f.failures.failingIndices.length,
    perClass,
    examples: batchOf(session.corrupted, shown.map((i) => pool[i]), f.failures.failingPredictions.slice(0, FAILURE_EXAMPLES)),
  };
}

/** Ranks the blocks (spectrum analysis); optionally runs the RQ3-style check of every block. */
export async function localizeBlocks(ws: Workspace, evaluate: boolean, cancel?: CancelToken, onProgress?: ProgressCallback): Promise<{ localization: LocalizationView; evaluation: LocalizerEvaluationView | null }> {
  const session = requireSession(ws);
  await ws.timed('localize', () => session.localize(cancel, onProgress));
  let evaluation: LocalizerEvaluationView | null = null;
  if (evaluate) {
    const f = session.failures!.failures;
    const pool = subset(session.corrupted, session.driftSplit.repairPool);
    const examples = subset(pool, [...f.failingIndices, ...f.passingIndices], 'localization examples');
    const ev = await ws.timed('localizer evaluation', () => evaluateLocalizers(session.instrumented, examples, { seed: session.config.seed, localize: session.config.localize }, cancel, onProgress));
    evaluation = {
      gains: ev.gains.map((g) => ({ blockIndex: g.blockIndex, gainFailures: g.gainFailures, gainHeldOut: g.gainHeldOut })),
      bestBlock: ev.bestBlock,
      correlations: ev.correlations.map((c) => ({ method: c.method, topBlock: c.topBlock, spearmanHeldOut: c.spearmanHeldOut, spearmanFailures: c.spearmanFailures })),
    };
  }
  return { localization: { ...localizationView(ws), adversarial: await adversarialView(ws, cancel) }, evaluation };
}

/** Images shown next to their FGSM copies in the Localize step. */
const ADVERSARIAL_EXAMPLES = 12;

/** A few failing and passing images with their FGSM copies (ε of the localization) and the model's answers on both. */
async function adversarialView(ws: Workspace, cancel?: CancelToken): Promise<LocalizationView['adversarial']> {
  const session = requireSession(ws);
  const f = session.failures!.failures;
  const pool = session.driftSplit.repairPool;
  const picks = [...f.failingIndices.slice(0, ADVERSARIAL_EXAMPLES / 2), ...f.passingIndices.slice(0, ADVERSARIAL_EXAMPLES / 2)].map((i) => pool[i]);
  const originals = subset(session.corrupted, picks, 'adversarial examples');
  const epsilon = session.localization?.settings.epsilon ?? 0.1;
  const copies = await adversarialCopies(session.instrumented, originals, epsilon, ADVERSARIAL_EXAMPLES, cancel);
  const before = await predictClasses(session.instrumented, originals, ADVERSARIAL_EXAMPLES, cancel);
  const after = await predictClasses(session.instrumented, copies, ADVERSARIAL_EXAMPLES, cancel);
  const shape: [number, number, number, number] = [originals.count, originals.height, originals.width, originals.channels];
  return {
    epsilon,
    original: { pixels: originals.images, shape, labels: originals.labels, predictions: before },
    adversarial: { pixels: copies.images, shape, labels: copies.labels, predictions: after },
  };
}

/** The ranking and the chosen block of the current session. */
export function localizationView(ws: Workspace): LocalizationView {
  const session = requireSession(ws);
  const loc = session.localization;
  if (!loc) throw new LabError('Localize first.', { field: 'localization', fix: 'Run the Localize step.' });
  return {
    scores: loc.scores,
    method: loc.method,
    formula: loc.formula,
    timingsMs: { ...loc.timingsMs },
    chosenBlock: session.blockIndex ?? session.suggestedBlock(),
    suggestedBlock: session.suggestedBlock(),
    searchable: session.graph.blocks.map((b) => isSearchable(session.graph, b.index)),
    failing: loc.counts.failing,
    passing: loc.counts.passing,
  };
}

/** Picks the block to repair (LabError for head or non-spatial blocks). */
export function chooseBlock(ws: Workspace, index: number): LocalizationView {
  const session = requireSession(ws);
  session.chooseBlock(index);
  ws.sessionId = null;
  ws.results = null;
  return localizationView(ws);
}

/**
 * Builds the repair data and the supernet for the chosen block, and records a new session in
 * the store (owned by this tab) so every epoch can be checkpointed.
 */
export async function startSearch(ws: Workspace, db: LabDb, tabId: string, settings: LessonSettings, cancel?: CancelToken, onProgress?: ProgressCallback): Promise<SearchInfo> {
  const session = requireSession(ws);
  const cur = requireModel(ws);
  // The Search step's settings (space, epochs, batch, fine-tune, clean bound, guard) may have changed since the failures were collected.
  const { search, finetune, cleanTolerance, robustnessGuard } = repairConfigOf(settings, session.clean.count);
  session.setTrainingSettings({ search, finetune, ...(cleanTolerance === undefined ? {} : { cleanTolerance }), ...(robustnessGuard === undefined ? {} : { robustnessGuard }) });
  await ws.timed('prepare search', () => session.startSearch(cancel, onProgress));
  ws.results = null;
  const block = session.graph.blocks[session.blockIndex!];
  const isOwnDrift = session.driftSet !== null;
  const record = await createSession(db, {
    name: `${cur.validated.name} · ${isOwnDrift ? session.driftLabel : `${settings.corruption} ${settings.severity}`} · ${block.name}`,
    modelId: cur.modelId || `unsaved:${cur.validated.name}`,
    modelName: cur.validated.name,
    datasetName: ws.dataset?.name ?? session.clean.name,
    corruption: session.driftLabel,
    severity: isOwnDrift ? 0 : settings.severity,
    config: sessionConfig(ws, settings),
    chosenBlock: session.blockIndex,
  });
  ws.sessionId = record.id;
  await claimSession(db, record.id, tabId).catch(() => undefined);
  return searchInfo(ws);
}

/** What the session record keeps besides the store's own fields: settings, the drift set's identity, block edits, the ranking. */
function sessionConfig(ws: Workspace, settings: LessonSettings): { [key: string]: JsonValue } {
  const loc = ws.session?.localization;
  const plain = (v: unknown) => JSON.parse(JSON.stringify(v)) as JsonValue;
  return {
    lesson: plain(settings),
    driftSet: ws.session?.driftSet && ws.drift ? plain(ws.drift.identity) : null,
    overrides: plain(ws.current?.overrides ?? []),
    localization: loc ? plain({ scores: loc.scores, method: loc.method, formula: loc.formula, timingsMs: loc.timingsMs, counts: loc.counts }) : null,
  };
}

/** The started search's description (sizes, ops, initial α). */
export async function searchInfo(ws: Workspace): Promise<SearchInfo> {
  const session = requireSession(ws);
  const search = session.activeSearch;
  if (!search || !session.splits) throw new LabError('Start the search first.', { field: 'search', fix: 'Press "Start search" in the Search step.' });
  const block = session.graph.blocks[session.blockIndex!];
  return {
    sessionId: ws.sessionId ?? '',
    blockIndex: block.index,
    blockName: block.name,
    preset: search.config.preset,
    steps: search.steps,
    ops: [...search.ops],
    epochsPlanned: session.config.search.epochs,
    sizes: { weights: session.splits.weights.length, alpha: session.splits.alpha.length, validation: session.testSplit.validation.length },
    alphaSoftmax: await search.alphaSoftmax(),
    genotype: await search.genotype(),
    isPersistent: true,
  };
}

/** One search epoch, then its checkpoint (one transaction); a failed write is reported, never thrown. */
export async function searchEpoch(ws: Workspace, db: LabDb, tabId: string, cancel?: CancelToken, onProgress?: ProgressCallback): Promise<EpochView> {
  const session = requireSession(ws);
  if (ws.sessionId) {
    // Idempotent for the owner; after a pause another tab may have taken the session over.
    const claim = await claimSession(db, ws.sessionId, tabId).catch(() => ({ owned: true as const }));
    if (!claim.owned) throw new LabError(claim.reason, { field: 'session', fix: 'Continue in the tab that holds it, or start a new search here.' });
    await updateSession(db, ws.sessionId, { status: 'running' }).catch(() => false);
  }
  const metrics = await ws.timed('search', () => session.searchEpoch(cancel, onProgress));
  let checkpoint: EpochView['checkpoint'] = { ok: false, message: 'No session record: checkpoints are off.' };
  if (ws.sessionId && session.activeSearch) {
    const state = await session.activeSearch.getState();
    const result = await putCheckpoint(db, checkpointInput(ws.sessionId, state, metrics, session.blockIndex!, { ...ws.timings })).catch((err: unknown) => ({ ok: false as const, message: String(err) }));
    checkpoint = result.ok ? { ok: true, message: result.recoveredFromQuota ? 'Storage was full: older checkpoints were removed to make room.' : null } : { ok: false, message: result.message };
  }
  return { metrics, checkpoint };
}

/** One α-only or weights-only update (teaching); not checkpointed until the next full epoch. */
export async function halfStep(ws: Workspace, kind: 'alpha' | 'weights'): Promise<HalfStepView> {
  const session = requireSession(ws);
  const loss = kind === 'alpha' ? await session.stepAlpha() : await session.stepWeights();
  const search = session.activeSearch!;
  const alphaSoftmax = await search.alphaSoftmax();
  return { kind, loss, alphaSoftmax, genotype: parseGenotype(alphaSoftmax, search.steps, search.ops) };
}

/** Derives the discrete block, fine-tunes it and splices it in; marks the stored session finished. */
export async function derive(ws: Workspace, db: LabDb, cancel?: CancelToken, onProgress?: ProgressCallback): Promise<DeriveView> {
  const session = requireSession(ws);
  const d = await ws.timed('derive + fine-tune', () => session.derive(cancel, onProgress));
  ws.results = null;
  if (ws.sessionId) await updateSession(db, ws.sessionId, { status: 'finished' }).catch(() => false);
  return { genotype: d.genotype, params: d.params, originalBlockParams: session.graph.blocks[session.blockIndex!].params, finetuneLosses: d.finetuneLosses, selection: d.selection };
}

export function requireSession(ws: Workspace): RepairSession {
  if (!ws.session) throw new LabError('Collect the failing examples first.', { field: 'session', fix: 'Choose a corruption and press "Find failures" in the Data step.' });
  return ws.session;
}

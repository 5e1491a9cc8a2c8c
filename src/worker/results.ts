/** The Results and Export steps in the worker: before/after evaluation, baselines, files and report. */
import { LabError } from '../core/errors';
import { subset } from '../core/data/dataset';
import { evaluationSets, evaluateMethod, buildReport, runBaselines as runCoreBaselines } from '../core/repair/pipeline';
import { confusionMatrix, fixedAndBroken, perClassAccuracy, type Evaluation } from '../core/repair/evaluate';
import { exportModel } from '../core/model/export';
import { STANDING_NAME_SUFFIX, reportMarkdown, reportStanding } from '../core/repair/report';
import { verdictText } from '../core/repair/selection';
import { phaseReporter, type CancelToken } from '../core/progress';
import type { ProgressCallback } from '../core/types';
import { putModel, type LabDb } from '../store';
import { batchOf } from './datasets';
import { requireSession } from './repair';
import { requireModel } from './models';
import type { ExportBundle, ModelRows, ResultsView } from './lab-types';
import type { Workspace } from './workspace';
import type { DatasetIdentity } from '../core/data/identity';

/** Fixed and broken images shown. */
const EXAMPLES = 24;

/** Evaluates the original and the repaired model on the held-out clean, drifted and (optionally) suite sets. */
export async function evaluateRepair(ws: Workspace, includeSuite: boolean, backend: string, cancel?: CancelToken, onProgress?: ProgressCallback): Promise<ResultsView> {
  const session = requireSession(ws);
  const derived = session.derived;
  if (!derived) throw new LabError('Derive the repaired block first.', { field: 'derived', fix: 'Press "Derive + fine-tune" in the Search step.' });
  const sets = evaluationSets(session, includeSuite);
  const report = phaseReporter('evaluating before and after', sets.length * 2, onProgress);
  const original = await ws.timed('evaluate original', () => evaluateMethod('original', session.model, sets, 0, null, cancel, (k) => report(k)));
  const searchMs = (ws.timings['search'] ?? 0) + (ws.timings['derive + fine-tune'] ?? 0);
  const repaired = await ws.timed('evaluate repaired', () => evaluateMethod('archrepair', derived.model, sets, searchMs, derived.selection, cancel, (k) => report(sets.length + k)));
  ws.results = { original: original.evaluation, repaired: repaired.evaluation, results: [original.result, repaired.result], timings: { ...ws.timings }, report: null };
  ws.results.report = buildReport(session, { modelName: requireModel(ws).validated.name, backend, results: ws.results.results, timings: { ...ws.timings }, driftIdentity: driftIdentityOf(ws) });
  return resultsView(ws);
}

/** Runs the controls on the same data, steps and selection rule (the core path the CLI uses too) and adds them to the results. */
export async function runBaselines(ws: Workspace, backend: string, cancel?: CancelToken, onProgress?: ProgressCallback): Promise<ResultsView> {
  const session = requireSession(ws);
  const res = ws.results;
  if (!res || !session.activeSearch) throw new LabError('Evaluate the repair first.', { field: 'results', fix: 'Press "Evaluate" in the Results step.' });
  const sets = evaluationSets(session, res.original.rows.length > 2);
  res.results = res.results.filter((r) => r.name === 'original' || r.name === 'archrepair');
  const baselines = await runCoreBaselines(session, sets, { cancel, onProgress, timings: ws.timings });
  res.results.push(...baselines.map((b) => b.result));
  res.report = buildReport(session, { modelName: requireModel(ws).validated.name, backend, results: res.results, timings: { ...ws.timings }, driftIdentity: driftIdentityOf(ws) });
  return resultsView(ws);
}

/** The identity of the session's own drift set, for the report (undefined when the drift is a corruption). */
function driftIdentityOf(ws: Workspace): DatasetIdentity | undefined {
  return ws.session?.driftSet && ws.drift ? ws.drift.identity : undefined;
}

/** The plain view of the current results (after evaluateRepair). */
export function resultsView(ws: Workspace): ResultsView {
  const session = requireSession(ws);
  const res = ws.results;
  if (!res) throw new LabError('Evaluate the repair first.', { field: 'results', fix: 'Press "Evaluate" in the Results step.' });
  const classes = session.clean.classNames.length;
  const targetLabel = res.original.rows[1]?.label ?? 'clean';
  // The images the target row was evaluated on (pipeline.ts evaluationSets), in the same order.
  const heldOut = targetLabel === 'clean' ? session.cleanHeldOut() : subset(session.corrupted, session.driftSplit.heldOut);
  const before = res.original.predictions[targetLabel];
  const after = res.repaired.predictions[targetLabel];
  const { fixed, broken } = fixedAndBroken(heldOut.labels, before, after);
  const pick = (list: number[]) => batchOf(heldOut, list.slice(0, EXAMPLES), list.slice(0, EXAMPLES).map((i) => after[i]));
  const fixedBatch = pick(fixed);
  fixedBatch.captions = fixed.slice(0, EXAMPLES).map((i) => `was ${session.clean.classNames[before[i]]}`);
  const brokenBatch = pick(broken);
  brokenBatch.captions = broken.slice(0, EXAMPLES).map((i) => `was ${session.clean.classNames[before[i]]}`);
  const rowsOf = (name: string): ModelRows => {
    const r = res.results.find((m) => m.name === name)!;
    return { name: r.name, label: r.label, rows: r.rows.map((x) => ({ ...x })), trainMs: r.trainMs, selection: r.selection ? structuredClone(r.selection) : null };
  };
  const selection = session.derived!.selection;
  return {
    classNames: [...session.clean.classNames],
    targetLabel,
    verdict: selection.verdict,
    verdictText: verdictText(selection),
    original: rowsOf('original'),
    repaired: rowsOf('archrepair'),
    baselines: res.results.filter((m) => m.name !== 'original' && m.name !== 'archrepair').map((m) => rowsOf(m.name)),
    perClassBefore: perClassAccuracy(heldOut.labels, before, classes),
    perClassAfter: perClassAccuracy(heldOut.labels, after, classes),
    confusionBefore: confusionMatrix(heldOut.labels, before, classes),
    confusionAfter: confusionMatrix(heldOut.labels, after, classes),
    fixedCount: fixed.length,
    brokenCount: broken.length,
    fixed: fixedBatch,
    broken: brokenBatch,
  };
}

/** The repaired model's files (model.json + one shard) and the report as JSON and Markdown. */
export async function exportBundle(ws: Workspace): Promise<ExportBundle> {
  const session = requireSession(ws);
  if (!session.derived) throw new LabError('There is no repaired model yet.', { field: 'derived', fix: 'Derive the repaired block in the Search step.' });
  const exported = await exportModel(session.derived.model);
  const report = ws.results?.report ?? buildReport(session, { modelName: requireModel(ws).validated.name, backend: 'unknown', results: [], timings: { ...ws.timings }, driftIdentity: driftIdentityOf(ws) });
  return { files: exported.files, reportJson: JSON.stringify(report, null, 1), reportMarkdown: reportMarkdown(report) };
}

/** Saves the repaired model in this browser's IndexedDB (named for its standing); returns its id. */
export async function saveRepaired(ws: Workspace, db: LabDb): Promise<{ id: string; name: string }> {
  const bundle = await exportBundle(ws);
  const standing = reportStanding(ws.results?.report ?? { results: [] }, requireSession(ws).derived!.selection.verdict).standing;
  const name = `${requireModel(ws).validated.name}-${STANDING_NAME_SUFFIX[standing]}`;
  const record = await putModel(db, { name, files: bundle.files.map((f) => ({ name: f.name, bytes: f.bytes.slice().buffer })) });
  return { id: record.id, name };
}

export type { Evaluation };

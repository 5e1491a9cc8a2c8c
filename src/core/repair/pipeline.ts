import * as tf from '@tensorflow/tfjs';
import { subset, type Dataset } from '../data/dataset';
import { CORRUPTION_NAMES, corruptDataset, type Severity } from '../data/corruptions';
import { predictClasses } from '../localize/failures';
import type { CancelToken } from '../progress';
import type { ProgressCallback } from '../types';
import { BASELINE_LABELS, BASELINE_NAMES, runBaseline, type BaselineName } from './baselines';
import { evaluateOn, type Evaluation } from './evaluate';
import type { ModelResult, RepairReport } from './report';
import type { RepairSession } from './session';
import { chosenCandidate, chosenName, type CandidateScore, type Selection } from './selection';
import type { DatasetIdentity } from '../data/identity';

/**
 * The held-out evaluation sets of a session: clean, the targeted drift, and the robustness
 * suite (every corruption at `config.suiteSeverity`, or at each of `severities`).
 */
export function evaluationSets(session: RepairSession, includeSuite: boolean, severities: readonly Severity[] = [session.config.suiteSeverity]): { label: string; severity: number; ds: Dataset }[] {
  const { heldOut } = session.testSplit;
  const { corruption, severity, suiteSize, seed } = session.config;
  const sets = [{ label: 'clean', severity: 0, ds: session.cleanHeldOut() }];
  if (session.driftSet) sets.push({ label: session.driftLabel, severity: 0, ds: subset(session.corrupted, session.driftSplit.heldOut, `held-out ${session.driftLabel}`) });
  else if (corruption !== 'none') sets.push({ label: corruption, severity, ds: subset(session.corrupted, heldOut, `held-out ${corruption}`) });
  if (includeSuite) {
    const base = subset(session.clean, heldOut.slice(0, suiteSize), 'suite base');
    for (const suiteSeverity of severities) {
      for (const name of CORRUPTION_NAMES) {
        if (name === corruption && severity === suiteSeverity) continue;
        sets.push({ label: name, severity: suiteSeverity, ds: corruptDataset(base, name, suiteSeverity, seed + 1) });
      }
    }
  }
  return sets;
}

/** Batched predictions of a LayersModel over a dataset. */
export function modelPredictor(model: tf.LayersModel) {
  return (ds: Dataset, cancel?: CancelToken) => predictClasses({ predict: (x) => model.predict(x) as tf.Tensor2D }, ds, 256, cancel);
}

/** One method's evaluated result: the report row and the predictions behind it. */
export interface MethodEvaluation {
  result: ModelResult;
  evaluation: Evaluation;
}

type Sets = ReturnType<typeof evaluationSets>;

/** Evaluates one model on the sets; the one way every method's row is made. */
export async function evaluateMethod(name: string, model: tf.LayersModel, sets: Sets, trainMs: number, selection: Selection | null, cancel?: CancelToken, onSet?: (done: number) => void): Promise<MethodEvaluation> {
  const evaluation = await evaluateOn(modelPredictor(model), sets, cancel, onSet);
  const label = BASELINE_LABELS[name as keyof typeof BASELINE_LABELS] ?? name;
  return { result: { name, label, rows: evaluation.rows, trainMs, selection }, evaluation };
}

/**
 * Runs the controls (every baseline, or `names`) on the session's data and evaluates each on
 * `sets`; the page's Results step and the CLI both call this, so they cannot differ.
 */
export async function runBaselines(session: RepairSession, sets: Sets, options: { names?: readonly BaselineName[]; cancel?: CancelToken; onProgress?: ProgressCallback; log?: (line: string) => void; timings?: Record<string, number> } = {}): Promise<MethodEvaluation[]> {
  const out: MethodEvaluation[] = [];
  for (const name of options.names ?? BASELINE_NAMES) {
    const t0 = performance.now();
    const outcome = await runBaseline(name, session, options.cancel, options.onProgress);
    try {
      const trainMs = Math.round(performance.now() - t0);
      if (options.timings) options.timings[`baseline ${name}`] = trainMs;
      const evaluated = await evaluateMethod(name, outcome.model, sets, trainMs, outcome.selection, options.cancel);
      options.log?.(`${evaluated.result.label}: ${summary(evaluated.result)} (${outcome.selection.verdict}, ${chosenName(outcome.selection)}${guardNote(chosenCandidate(outcome.selection))})`);
      out.push(evaluated);
    } finally {
      outcome.dispose();
    }
  }
  return out;
}

/** The robustness guard's finding on a kept candidate, for the log ('; worst other corruption on validation: fog −1.2 ± 0.4 points'). */
const guardNote = (c: CandidateScore): string =>
  c.harm ? `; worst other corruption on validation: ${c.harm.label} ${(-100 * c.harm.drop).toFixed(1)} ± ${(100 * c.harm.se).toFixed(1)} points` : '';

const summary = (r: ModelResult) => r.rows.slice(0, 2).map((row) => `${row.label} ${(100 * row.accuracy).toFixed(1)}%`).join(', ');

export interface PipelineOptions {
  modelName: string;
  backend: string;
  baselines: boolean;
  includeSuite: boolean;
  /** Suite severities (default: the config's suiteSeverity). */
  suiteSeverities?: readonly Severity[];
  /** Repair this block instead of the localized one. */
  blockOverride?: number | null;
  /** Which controls to run when `baselines` is set (default: all). */
  baselineNames?: readonly BaselineName[];
  /** Name, count and content hash of a user's own drift set, for the report. */
  driftIdentity?: DatasetIdentity;
  log?: (line: string) => void;
  cancel?: CancelToken;
  onProgress?: ProgressCallback;
}

/** Runs a whole repair (failures → localize → search → derive → evaluate, baselines optional) and reports. */
export async function runRepairPipeline(session: RepairSession, options: PipelineOptions): Promise<{ report: RepairReport; evaluations: Record<string, Evaluation> }> {
  const { cancel, onProgress } = options;
  const log = options.log ?? (() => {});
  const timings: Record<string, number> = {};
  const timed = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    try {
      return await work();
    } finally {
      timings[name] = Math.round(performance.now() - t0);
    }
  };
  const f = await timed('collect failures', () => session.collectFailures(cancel, onProgress));
  log(`failures: ${f.failures.failingTotal} of ${f.repairPoolSize} repair-pool images misclassified (${f.failures.failingIndices.length} used); held-out accuracy ${(100 * f.heldOutAccuracy).toFixed(1)}%`);
  const loc = await timed('localize', () => session.localize(cancel, onProgress));
  if (options.blockOverride !== undefined && options.blockOverride !== null) session.chooseBlock(options.blockOverride);
  const blockNames = session.graph.blocks.map((b) => b.name);
  log(`localization: ${[...loc.scores].sort((a, b) => a.rank - b.rank).map((s) => `${blockNames[s.blockIndex]}=${s.combined.toFixed(3)}`).join(', ')} → repairing ${blockNames[session.blockIndex!]}`);
  await timed('prepare search', () => session.startSearch(cancel, onProgress));
  log(`clean data: ${session.cleanSource}; D_repair ${session.splits!.weights.length + session.splits!.alpha.length} images`);
  await timed('search', async () => {
    for (let e = 0; e < session.config.search.epochs; e++) {
      const m = await session.searchEpoch(cancel, onProgress);
      log(`epoch ${m.epoch}: loss w ${m.lossWeights.toFixed(3)} α ${m.lossAlpha.toFixed(3)}, acc failures ${(100 * m.accFailures).toFixed(1)}%, validation clean ${(100 * m.accValidation).toFixed(1)}% drifted ${(100 * (m.accDrift ?? Number.NaN)).toFixed(1)}%, α entropy ${m.alphaEntropy.toFixed(3)}, ${m.samplesPerSecond.toFixed(0)} samples/s`);
    }
  });
  const derived = await timed('derive + fine-tune', () => session.derive(cancel, onProgress));
  log(`derived: ${derived.genotype.edges.map((e) => `${e.node}←${e.from}:${e.op}`).join(' ')}; ${derived.params} params; ${derived.selection.verdict} (${chosenName(derived.selection)}${guardNote(chosenCandidate(derived.selection))})`);

  const sets = evaluationSets(session, options.includeSuite, options.suiteSeverities);
  const evaluated: MethodEvaluation[] = [];
  const evaluate = async (name: string, model: tf.LayersModel, trainMs: number, selection: Selection | null) => {
    const e = await timed(`evaluate ${name}`, () => evaluateMethod(name, model, sets, trainMs, selection, cancel));
    log(`${e.result.label}: ${summary(e.result)}`);
    evaluated.push(e);
  };
  await evaluate('original', session.model, 0, null);
  await evaluate('archrepair', derived.model, timings['search'] + timings['derive + fine-tune'], derived.selection);
  if (options.baselines) evaluated.push(...(await runBaselines(session, sets, { names: options.baselineNames, cancel, onProgress, log, timings })));
  const report = buildReport(session, { modelName: options.modelName, backend: options.backend, results: evaluated.map((e) => e.result), timings, driftIdentity: options.driftIdentity });
  return { report, evaluations: Object.fromEntries(evaluated.map((e) => [e.result.name, e.evaluation])) };
}

/** The report of a session as it stands (after derive), with the given evaluation results. */
export function buildReport(session: RepairSession, info: { modelName: string; backend: string; results: ModelResult[]; timings: Record<string, number>; driftIdentity?: DatasetIdentity }): RepairReport {
  const f = session.failures!;
  const loc = session.localization!;
  const derived = session.derived!;
  const blockNames = session.graph.blocks.map((b) => b.name);
  const block = session.graph.blocks[session.blockIndex!];
  return {
    version: 1,
    createdAt: new Date().toISOString(),
    model: { name: info.modelName, params: session.model.countParams(), blocks: session.graph.blocks.length },
    dataset: { name: session.clean.name, provenance: session.clean.provenance, workingSize: session.clean.count, heldOutSize: session.testSplit.heldOut.length, cleanHeldOutSize: session.cleanHeldOutIndices().length, validationSize: session.testSplit.validation.length, cleanValidationSize: session.cleanValidationIndices().length, cleanTraining: session.train ? `${session.train.name} (${session.train.count} images)` : session.cleanSource },
    drift: { corruption: session.driftLabel, severity: session.driftSet ? 0 : session.config.severity, ...(info.driftIdentity ? { set: info.driftIdentity } : {}) },
    backend: info.backend,
    settings: session.config as unknown as Record<string, unknown>,
    failures: { total: f.failures.failingTotal, used: f.failures.failingIndices.length, accuracyBefore: f.heldOutAccuracy },
    localization: { method: loc.method, formula: loc.formula, scores: loc.scores, blockNames, chosenBlock: session.blockIndex!, timingsMs: loc.timingsMs },
    search: {
      epochs: session.history.length,
      history: session.history.map(({ alphaSoftmax: _drop, ...rest }) => rest),
      finalAlphaSoftmax: session.history.at(-1)?.alphaSoftmax ?? [],
      genotype: derived.genotype,
    },
    derived: { params: derived.params, originalBlockParams: block.params, finetuneLosses: derived.finetuneLosses },
    verdict: derived.selection.verdict,
    results: info.results,
    timingsMs: info.timings,
  };
}

import * as tf from '@tensorflow/tfjs';
import { subset, type Dataset } from '../data/dataset';
import { CORRUPTION_NAMES, corruptDataset } from '../data/corruptions';
import { predictClasses } from '../localize/failures';
import type { CancelToken } from '../progress';
import type { ProgressCallback } from '../types';
import { BASELINE_LABELS, BASELINE_NAMES, runBaseline } from './baselines';
import { evaluateOn, type Evaluation } from './evaluate';
import { gatherExamples, failureFlags } from './examples';
import { joinSplits } from './derive-model';
import type { ModelResult, RepairReport } from './report';
import type { RepairSession } from './session';
import type { Split } from '../search/batches';

/** The held-out evaluation sets of a session: clean, the targeted drift, and the robustness suite. */
export function evaluationSets(session: RepairSession, includeSuite: boolean): { label: string; severity: number; ds: Dataset }[] {
  const { heldOut } = session.testSplit;
  const { corruption, severity, suiteSize, suiteSeverity, seed } = session.config;
  const sets = [{ label: 'clean', severity: 0, ds: subset(session.clean, heldOut, 'held-out clean') }];
  if (corruption !== 'none') sets.push({ label: corruption, severity, ds: subset(session.corrupted, heldOut, `held-out ${corruption}`) });
  if (includeSuite) {
    const base = subset(session.clean, heldOut.slice(0, suiteSize), 'suite base');
    for (const name of CORRUPTION_NAMES) {
      if (name === corruption && severity === suiteSeverity) continue;
      sets.push({ label: name, severity: suiteSeverity, ds: corruptDataset(base, name, suiteSeverity, seed + 1) });
    }
  }
  return sets;
}

/** Batched predictions of a LayersModel over a dataset. */
export function modelPredictor(model: tf.LayersModel) {
  return (ds: Dataset, cancel?: CancelToken) => predictClasses({ predict: (x) => model.predict(x) as tf.Tensor2D }, ds, 256, cancel);
}

export interface PipelineOptions {
  modelName: string;
  backend: string;
  baselines: boolean;
  includeSuite: boolean;
  /** Repair this block instead of the localized one. */
  blockOverride?: number | null;
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
  await timed('search', async () => {
    for (let e = 0; e < session.config.search.epochs; e++) {
      const m = await session.searchEpoch(cancel, onProgress);
      log(`epoch ${m.epoch}: loss w ${m.lossWeights.toFixed(3)} α ${m.lossAlpha.toFixed(3)}, acc failures ${(100 * m.accFailures).toFixed(1)}%, validation ${(100 * m.accValidation).toFixed(1)}%, adversarial ${(100 * m.accAdversarial).toFixed(1)}%, ${m.samplesPerSecond.toFixed(0)} samples/s`);
    }
  });
  const derived = await timed('derive + fine-tune', () => session.derive(cancel, onProgress));
  log(`derived: ${derived.genotype.edges.map((e) => `${e.node}←${e.from}:${e.op}`).join(' ')}; ${derived.params} params; validation ${(100 * derived.accValidation).toFixed(1)}%`);

  const sets = evaluationSets(session, options.includeSuite);
  const results: ModelResult[] = [];
  const evaluations: Record<string, Evaluation> = {};
  const evaluate = async (name: string, label: string, model: tf.LayersModel, trainMs: number) => {
    const ev = await timed(`evaluate ${name}`, () => evaluateOn(modelPredictor(model), sets, cancel));
    evaluations[name] = ev;
    results.push({ name, label, rows: ev.rows, trainMs });
    log(`${label}: ${ev.rows.slice(0, 2).map((r) => `${r.label} ${(100 * r.accuracy).toFixed(1)}%`).join(', ')}`);
  };
  await evaluate('original', BASELINE_LABELS.original, session.model, 0);
  await evaluate('archrepair', BASELINE_LABELS.archrepair, derived.model, timings['search'] + timings['derive + fine-tune']);
  if (options.baselines) {
    const splits = session.splits!;
    const examples = [...splits.weights, ...splits.alpha];
    const imagesDs = gatherExamples(session.clean, session.corrupted, examples, 'D_repair');
    const images: Split = { inputs: imagesDs.images, labels: imagesDs.labels, shape: [imagesDs.count, imagesDs.height, imagesDs.width, imagesDs.channels], isFailure: failureFlags(examples) };
    const data = session.cachedData!;
    const blockInputs = joinSplits(data.weights, data.alpha);
    for (const name of BASELINE_NAMES) {
      const t0 = performance.now();
      const result = await runBaseline(name, session.model, session.graph, session.blockIndex!, session.isProbabilities, { images, blockInputs }, { ...session.config.finetune, epochs: session.config.finetune.epochs + session.config.search.epochs, seed: session.config.seed }, cancel, onProgress);
      const trainMs = Math.round(performance.now() - t0);
      timings[`baseline ${name}`] = trainMs;
      await evaluate(name, BASELINE_LABELS[name], result.model, trainMs);
      result.model.dispose();
    }
  }
  const report = buildReport(session, { modelName: options.modelName, backend: options.backend, results, timings });
  return { report, evaluations };
}

/** The report of a session as it stands (after derive), with the given evaluation results. */
export function buildReport(session: RepairSession, info: { modelName: string; backend: string; results: ModelResult[]; timings: Record<string, number> }): RepairReport {
  const f = session.failures!;
  const loc = session.localization!;
  const derived = session.derived!;
  const blockNames = session.graph.blocks.map((b) => b.name);
  const block = session.graph.blocks[session.blockIndex!];
  return {
    version: 1,
    createdAt: new Date().toISOString(),
    model: { name: info.modelName, params: session.model.countParams(), blocks: session.graph.blocks.length },
    dataset: { name: session.clean.name, provenance: session.clean.provenance, workingSize: session.clean.count, heldOutSize: session.testSplit.heldOut.length },
    drift: { corruption: session.config.corruption, severity: session.config.severity },
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
    results: info.results,
    timingsMs: info.timings,
  };
}

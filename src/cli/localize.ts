/**
 * `npm run localize -- --model <folder | demo name> --dataset <bundled name | image folder> [flags]`
 * Collects the model's failures on a dataset (optionally corrupted), ranks its blocks with the
 * adversarial-aware spectrum localizer (our reconstruction of ArchRepair's, DESIGN §3) and,
 * with --evaluate, prints the RQ3-style table: the gain of fine-tuning each block alone and the
 * Spearman correlation of every localizer with those gains.
 */
import * as tf from '@tensorflow/tfjs';
import { BUNDLED_DATASET_NAMES } from '../core/data/bundled';
import { corruptDataset, parseCorruptionName, parseSeverity } from '../core/data/corruptions';
import { subset } from '../core/data/dataset';
import { LabError, toErrorData } from '../core/errors';
import { evaluateLocalizers, type LocalizerEvaluation } from '../core/localize/evaluate';
import { collectFailures, failureExamples } from '../core/localize/failures';
import { instrumentLayersModel } from '../core/localize/instrumented';
import { localize, type LocalizationResult } from '../core/localize/localize';
import { DEFAULT_LOCALIZE_SETTINGS, LOCALIZER_METHODS, LOCALIZER_SCORINGS, type LocalizerScoring } from '../core/localize/settings';
import { spearman } from '../core/localize/spearman';
import { localizationStability, type StabilityReport } from '../core/localize/stability';
import { buildBlockGraph } from '../core/model/block-graph';
import { loadValidatedModel } from '../core/model/load';
import { validateModelFolder } from '../core/model/load-folder';
import type { BlockGraph, LocalizerMethod, Progress, SuspiciousnessFormula } from '../core/types';
import { parseArgs, usage, runWhenEntry } from './args';
import { resolveModelDir } from './inspect';
import { loadRepairSet } from './datasets';
import { useNodeTrainingBackend, type NodeTrainingBackend } from './node-backend';

const SPEC = {
  model: { type: 'string', default: null, help: 'folder holding model.json, or a demo name in public/models/' },
  dataset: { type: 'string', default: 'mnist-test', help: `bundled dataset (${BUNDLED_DATASET_NAMES.join(', ')}), a class folder, an IDX pair or CIFAR batches (e.g. your own drifted images, with no --corruption)` },
  corruption: { type: 'string', default: null, help: 'corrupt the dataset first (e.g. gaussian_noise)' },
  severity: { type: 'number', default: 3, help: 'corruption severity, 1–5' },
  limit: { type: 'number', default: 2000, help: 'evaluate only the first N images of the dataset (0 = all)' },
  failures: { type: 'number', default: 1000, help: 'most failing examples to keep' },
  scoring: { type: 'string', default: DEFAULT_LOCALIZE_SETTINGS.scoring, help: `term definitions: ${LOCALIZER_SCORINGS.join(', ')} (rgn: passing-run median τ, failing-run relative gradient norm ‖∇W_k‖₂/‖W_k‖₂ with the block's weights as one vector, i.e. block-level Auto-RGN of Lee et al., arXiv 2210.11466, no passing-run backward pass; contrastive: passing-run median τ, failing/passing relative gradient norm, also differentiates the passing runs; legacy: τ = 0 after ReLU, failing-run ‖∇W‖₁/|W|)` },
  method: { type: 'string', default: 'combined', help: `ranking: ${LOCALIZER_METHODS.join(', ')}` },
  formula: { type: 'string', default: 'ochiai', help: 'suspiciousness formula: ochiai, tarantula, dstar' },
  epsilon: { type: 'number', default: 0.1, help: 'FGSM step on [0, 1] pixels (0 = no adversarial copies)' },
  group: { type: 'number', default: 1, help: 'examples per backward pass of the gradient term (1 = exact per-example mean)' },
  seed: { type: 'number', default: 1, help: 'seed for sampling, the random baseline and corruptions' },
  evaluate: { type: 'boolean', default: false, help: 'also fine-tune each block alone and correlate the localizers with the gains (RQ3), under every scoring' },
  steps: { type: 'number', default: 20, help: 'Adam steps per block for --evaluate' },
  stability: { type: 'boolean', default: false, help: 'also report how often the top block survives 10, 50, 100 failures' },
  backend: { type: 'string', default: 'wasm', help: 'tfjs backend in Node: wasm or cpu' },
  json: { type: 'boolean', default: false, help: 'print one JSON object instead of tables' },
} as const;
const SYNOPSIS = '--model <folder | demo name> --dataset <name | folder> [flags]';


function oneOf<T extends string>(value: string, allowed: readonly T[], field: string): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new LabError(`--${field} must be one of ${allowed.join(', ')}, got "${value}".`, { field, fix: `Pick ${allowed.join(' or ')}.` });
}

const f = (v: number, digits = 3): string => (Math.abs(v) > 0 && Math.abs(v) < 1e-3 ? v.toExponential(2) : v.toFixed(digits));
const pct = (v: number): string => `${(100 * v).toFixed(1)}%`;
const rho = (v: number | null): string => (v === null ? 'n/a' : v.toFixed(2));

/** Columns padded to their widest cell; the first `left` columns left-aligned. */
function table(header: string[], rows: string[][], left = 2): string {
  const all = [header, ...rows];
  const widths = header.map((_, c) => Math.max(...all.map((r) => r[c].length)));
  const line = (r: string[]) => r.map((cell, c) => (c < left ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** The ranking table: every term of every block, rank 1 first. */
export function formatRanking(result: LocalizationResult, graph: BlockGraph): string {
  const rel = result.relativeGradient;
  const onP = rel?.passing;
  const relCells = (k: number) => (rel ? [f(rel.failing[k]), ...(onP ? [f(onP[k])] : [])] : []);
  const rows = result.scores.map((s) => [String(s.rank), `${s.blockIndex} ${graph.blocks[s.blockIndex].name}`, f(s.forward), f(s.backward), ...relCells(s.blockIndex), f(s.forwardNormalized), f(s.backwardNormalized), f(s.combined)]);
  const c = result.counts;
  const t = result.timingsMs;
  return [
    table(['rank', 'block', 'S (fwd)', 'G (bwd)', ...(rel ? ['RGN on F'] : []), ...(onP ? ['RGN on P'] : []), 'Ŝ', 'Ĝ', `score (${result.method})`], rows),
    `runs: ${c.failing} failing + ${c.passing} passing originals, ${c.adversarialFailing} failing + ${c.adversarialPassing} passing FGSM copies (ε=${result.settings.epsilon}); scoring ${result.settings.scoring}, formula ${result.formula}`,
    `time: FGSM ${Math.round(t.fgsm)} ms, forward ${Math.round(t.forward)} ms, backward ${Math.round(t.backward)} ms, total ${Math.round(t.total)} ms`,
  ].join('\n');
}

/** The RQ3-style table: gain per block, then each localizer's top block and Spearman ρ. */
export function formatEvaluation(ev: LocalizerEvaluation, graph: BlockGraph): string {
  const gains = ev.gains.map((g) => [String(g.blockIndex), graph.blocks[g.blockIndex].name, pct(g.gainFailures), `${pct(g.heldOutBefore)} → ${pct(g.heldOutAfter)}`, `${g.gainHeldOut >= 0 ? '+' : ''}${(100 * g.gainHeldOut).toFixed(1)}`]);
  const ranking = (scores: number[]) => scores.map((_, k) => k).sort((a, b) => scores[b] - scores[a] || a - b).join(' > ');
  const correlationRows = (scoring: string, correlations: LocalizerEvaluation['correlations']) =>
    correlations.map((c) => [scoring, c.method, `${c.topBlock}${c.topBlock === ev.bestBlock ? ' (best)' : ''}`, ranking(c.scores), rho(c.spearmanFailures), rho(c.spearmanHeldOut)]);
  const corr = [
    ...correlationRows(ev.localization.settings.scoring, ev.correlations),
    // The random baseline does not depend on the scoring: list it once.
    ...ev.scoringComparisons.flatMap((cmp) => correlationRows(cmp.scoring, cmp.correlations.filter((c) => c.method !== 'random'))),
  ];
  const rel = ev.localization.relativeGradient;
  const heldOutGains = ev.gains.map((g) => g.gainHeldOut);
  // Diagnostic only: how the block-level relative gradient norms (the block's weights as one
  // vector) rank on their own; under 'rgn' "on F" is G itself (the gradient-only row), on P only
  // under contrastive scoring.
  const onP = rel?.passing ? `, on P ${rho(spearman(rel.passing, heldOutGains))}` : '';
  const halves = rel ? [`block-level relative gradient norm alone, ρ (held-out): on F ${rho(spearman(rel.failing, heldOutGains))}${onP}`] : [];
  return [
    `fine-tune of each block alone (${ev.settings.steps} Adam steps, lr ${ev.settings.learningRate}) on ${ev.counts.repair} repair examples (${ev.counts.repairFailing} failing); held out: ${ev.counts.heldOut}`,
    table(['#', 'block', 'repair failures fixed', 'held-out acc', 'gain (pts)'], gains),
    `best block by held-out gain: ${ev.bestBlock}`,
    '',
    table(['scoring', 'localizer', 'top block', 'ranking', 'ρ (failures)', 'ρ (held-out)'], corr, 4),
    ...halves,
  ].join('\n');
}

/** The stability table: failures used, top block per repeat, share agreeing with all failures. */
export function formatStability(report: StabilityReport): string {
  const rows = report.rows.map((r) => [String(r.failures), r.topBlocks.join(' '), pct(r.agreement)]);
  return [`top block with all ${report.allFailures} failures: ${report.referenceTop}`, table(['failures', 'top blocks', 'agree'], rows, 0)].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const { flags, isHelp } = parseArgs(argv, SPEC);
  if (isHelp || !flags.model) {
    console.log(usage('localize', SYNOPSIS, SPEC));
    return isHelp ? 0 : 2;
  }
  const log = (line: string) => !flags.json && console.log(line);
  let lastPhase = '';
  const onProgress = (p: Progress) => {
    if (!flags.json && p.phase !== lastPhase && process.stderr.isTTY) process.stderr.write(`  ${p.phase}…\n`);
    lastPhase = p.phase;
  };
  let model: tf.LayersModel | null = null;
  try {
    const scoring = oneOf<LocalizerScoring>(flags.scoring, LOCALIZER_SCORINGS, 'scoring');
    const method = oneOf<LocalizerMethod>(flags.method, LOCALIZER_METHODS, 'method');
    const formula = oneOf<SuspiciousnessFormula>(flags.formula, ['ochiai', 'tarantula', 'dstar'], 'formula');
    const backend = await useNodeTrainingBackend(oneOf<NodeTrainingBackend>(flags.backend, ['wasm', 'cpu'], 'backend'));
    tf.env().set('PROD', true);
    const validated = await validateModelFolder(resolveModelDir(flags.model));
    const graph = buildBlockGraph(validated.flat, validated.name);
    model = await loadValidatedModel(validated);
    let ds = (await loadRepairSet(flags.dataset, { inputShape: graph.inputShape, numClasses: graph.numClasses, classNames: validated.classNames ?? undefined }, 'dataset')).dataset;
    if (flags.limit > 0 && flags.limit < ds.count) ds = subset(ds, Array.from({ length: flags.limit }, (_, i) => i), ds.name);
    if (flags.corruption) ds = corruptDataset(ds, parseCorruptionName(flags.corruption), parseSeverity(flags.severity), flags.seed);
    const [h, w, c] = graph.inputShape;
    if (ds.height !== h || ds.width !== w || ds.channels !== c) {
      throw new LabError(`The dataset's images are ${ds.height}×${ds.width}×${ds.channels} but the model expects ${h}×${w}×${c}.`, { field: 'dataset', fix: 'Pick a dataset with the image size the model was trained on.' });
    }
    const inst = instrumentLayersModel(model, graph);
    const started = performance.now();
    const failureSet = await collectFailures(inst, ds, { cap: flags.failures, seed: flags.seed }, undefined, onProgress);
    const evaluateMs = performance.now() - started;
    log(`${validated.name} on ${ds.name} (${ds.count} images, ${backend} backend): accuracy ${pct(failureSet.accuracy)}, ${failureSet.failingTotal} failures, using ${failureSet.failingIndices.length} + ${failureSet.passingIndices.length} passing (${Math.round(evaluateMs)} ms)\n`);
    const examples = failureExamples(ds, failureSet);
    const settings = { scoring, method, formula, epsilon: flags.epsilon, gradientGroupSize: flags.group, seed: flags.seed };
    const result = await localize(inst, examples, settings, undefined, onProgress);
    log(formatRanking(result, graph));
    let evaluation: LocalizerEvaluation | null = null;
    if (flags.evaluate) {
      const t0 = performance.now();
      evaluation = await evaluateLocalizers(inst, examples, { steps: flags.steps, seed: flags.seed, localize: settings, compareScorings: LOCALIZER_SCORINGS.filter((x) => x !== scoring) }, undefined, onProgress);
      log(`\n${formatEvaluation(evaluation, graph)}\n(evaluation ${Math.round(performance.now() - t0)} ms)`);
    }
    let stability: StabilityReport | null = null;
    if (flags.stability) {
      const t0 = performance.now();
      stability = await localizationStability(inst, examples, { seed: flags.seed, localize: settings }, undefined, onProgress);
      log(`\n${formatStability(stability)}\n(stability ${Math.round(performance.now() - t0)} ms)`);
    }
    if (flags.json) {
      const { failingIndices, passingIndices, failingPredictions, passingPredictions, ...failureSummary } = failureSet;
      console.log(JSON.stringify({ model: validated.name, dataset: ds.name, backend, blocks: graph.blocks.map((b) => b.name), failures: { ...failureSummary, failingKept: failingIndices.length, passingKept: passingIndices.length }, evaluateMs, localization: result, evaluation, stability }, null, 2));
    }
    return 0;
  } catch (err) {
    const data = toErrorData(err);
    if (flags.json) console.log(JSON.stringify({ error: { name: data.name, message: data.message, file: data.file, field: data.field, fix: data.fix } }, null, 2));
    else console.error([`error: ${data.message}`, data.file && `  file:  ${data.file}`, data.field && `  field: ${data.field}`, data.fix && `  fix:   ${data.fix}`].filter(Boolean).join('\n'));
    return 1;
  } finally {
    model?.dispose();
  }
}

runWhenEntry('localize.ts', 'localize', SYNOPSIS, SPEC, main);

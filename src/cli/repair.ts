/**
 * `npm run repair -- --model <dir | demo name> [--clean mnist-test | PATH] [--corruption fog | --drift PATH] [--train PATH] [--severity 3]
 *   [--epochs N] [--seed S] [--baselines] [--out reports/<name>]`
 * The whole ArchRepair session headless: failures → localize → search → derive + fine-tune →
 * evaluate (and the baselines under the same budget); writes report.json, report.md and the
 * repaired model (model.json + weights) into --out.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseCorruptionName, parseSeverity } from '../core/data/corruptions';
import { parseModelCard } from '../core/data/model-card';
import { buildBlockGraph } from '../core/model/block-graph';
import { loadValidatedModel } from '../core/model/load';
import { readModelFolder } from '../core/model/load-folder';
import { validateModelFiles } from '../core/model/validate';
import { exportModel } from '../core/model/export';
import { PRESET_NAMES, type PresetName } from '../core/search/presets';
import { RepairSession } from '../core/repair/session';
import { DEFAULT_REPAIR_CONFIG } from '../core/repair/config';
import { verdictText } from '../core/repair/selection';
import { BASELINE_NAMES, type BaselineName } from '../core/repair/baselines';
import { bundledTrainingSplitOf } from '../core/data/training-splits';
import { runRepairPipeline } from '../core/repair/pipeline';
import { ENGLISH_REPORT_WORDS, heldOutBound, reportMarkdown, reportStanding } from '../core/repair/report';
import type { Progress } from '../core/types';
import { parseArgs, usage, UsageError, runWhenEntry } from './args';
import { loadRepairSet } from './datasets';
import { datasetIdentity } from '../core/data/identity';
import { resolveModelDir } from './inspect';
import { useNodeTrainingBackend, type NodeTrainingBackend } from './node-backend';

const D = DEFAULT_REPAIR_CONFIG;
const SPEC = {
  model: { type: 'string', default: 'mnist-cnn', help: 'folder holding model.json, or a demo name in public/models/' },
  clean: { type: 'string', default: null, help: "clean (reference) images: a bundled dataset, a class folder, an IDX pair or CIFAR batches (default: the model card's test set)" },
  drift: { type: 'string', default: null, help: 'your own drifted, labelled images (folder, IDX pair or CIFAR batches) instead of a corruption: failures come from its repair part, drift accuracy from its held-out part' },
  train: { type: 'string', default: null, help: "clean training images for D_repair, in any of those forms (default: the clean set's bundled training split; 'none': the clean repair pool only)" },
  corruption: { type: 'string', default: null, help: "drift to repair: a corruption name or 'none' (default: the card's worst corruption)" },
  severity: { type: 'number', default: D.severity, help: 'corruption severity, 1–5' },
  epochs: { type: 'number', default: D.search.epochs, help: 'search epochs' },
  finetune: { type: 'number', default: D.finetune.epochs, help: 'fine-tune epochs of the derived block' },
  lr: { type: 'number', default: D.finetune.learningRate, help: 'fine-tune learning rate (Adam)' },
  'network-rate': { type: 'number', default: D.finetune.networkRate, help: "with --finetune-scope network: the rest of the network learns at this multiple of --lr (0–10)" },
  'finetune-scope': { type: 'string', default: D.finetune.scope, help: "what the derived block's fine-tune also trains: 'block' (nothing else) or 'network' (every layer outside the block)" },
  'search-lr': { type: 'number', default: D.search.weightLearningRate, help: 'learning rate of the supernet weights (SGD, cosine)' },
  'baseline-lr': { type: 'number', default: null, help: 'learning rate of every weight baseline (default: each one\'s own, see DEFAULT_REPAIR_CONFIG.baselineLearningRates)' },
  'alpha-lr': { type: 'number', default: D.search.alphaLearningRate, help: 'α learning rate (Adam)' },
  'alpha-warmup': { type: 'number', default: D.search.alphaWarmupEpochs, help: 'first search epochs that train the cell weights only, α held' },
  'clean-per-failure': { type: 'number', default: D.cleanPerFailure, help: 'clean training images per failure in D_repair' },
  'distill-weight': { type: 'number', default: D.distillWeight, help: 'weight of the KL term to the original model on clean images' },
  'clean-bound': { type: 'number', default: 100 * D.cleanTolerance, help: 'points of clean validation accuracy a kept candidate may lose (every method); loosening it never loosens the held-out check' },
  guard: { type: 'boolean', default: D.robustnessGuard, help: 'robustness guard (every method): no kept candidate may clearly lose more than 2 points on another corruption of the validation images; --guard=false to measure without it' },
  'correction-penalty': { type: 'number', default: D.correctionPenalty, help: "weight of ArchRepair's term that keeps the correction cell silent on clean images" },
  preset: { type: 'string', default: D.search.preset, help: `search space: ${PRESET_NAMES.join(', ')}` },
  batch: { type: 'number', default: D.search.batchSize, help: 'batch size of search and fine-tune' },
  failures: { type: 'number', default: D.failureCap, help: 'most failing examples used for repair' },
  working: { type: 'number', default: D.workingSize, help: 'test images the session uses (split into repair pool, validation and held-out parts)' },
  'clean-validation': { type: 'number', default: D.cleanValidationSize, help: 'clean images the selection reads: the validation part, then test images after --working, up to this many' },
  'clean-held-out': { type: 'number', default: D.cleanHeldOutSize, help: 'held-out clean images (before/after accuracy): the held-out part, then test images after the clean validation ones, up to this many' },
  seed: { type: 'number', default: D.seed, help: 'seed for splits, search and fine-tune' },
  block: { type: 'number', default: null, help: 'repair this block index instead of the localized one' },
  'baseline-names': { type: 'string', default: null, help: `which controls to run with --baselines, comma-separated (default: all: ${BASELINE_NAMES.join(', ')})` },
  baselines: { type: 'boolean', default: false, help: 'also run the network-, layer- and block-level weight repairs and the random genotype on the same data, steps and selection rule' },
  suite: { type: 'boolean', default: true, help: 'evaluate on every corruption at severity 3 (held-out images)' },
  'suite-size': { type: 'number', default: D.suiteSize, help: 'held-out images per corruption in the robustness suite' },
  'suite-severities': { type: 'string', default: String(D.suiteSeverity), help: 'severities of the robustness suite, comma-separated (e.g. 1,3,5)' },
  out: { type: 'string', default: null, help: 'output folder (default: reports/<model>-<corruption>-s<seed>)' },
  backend: { type: 'string', default: 'wasm', help: 'tfjs backend in Node: wasm or cpu' },
  quiet: { type: 'boolean', default: false, help: 'no progress lines' },
} as const;
const SYNOPSIS = '--model <dir | demo name> [flags]';

function parseBaselineNames(list: string): BaselineName[] {
  const names = list.split(',').map((n) => n.trim());
  const unknown = names.filter((n) => !(BASELINE_NAMES as readonly string[]).includes(n));
  if (unknown.length) throw new UsageError(`--baseline-names: unknown ${unknown.join(', ')}; use ${BASELINE_NAMES.join(', ')}.`);
  return names as BaselineName[];
}

async function main(argv: string[]): Promise<number> {
  const { flags, isHelp } = parseArgs(argv, SPEC);
  if (isHelp) {
    console.log(usage('repair', SYNOPSIS, SPEC));
    return 0;
  }
  if (!PRESET_NAMES.includes(flags.preset as PresetName)) throw new UsageError(`--preset must be one of ${PRESET_NAMES.join(', ')}.`);
  const backend = await useNodeTrainingBackend(flags.backend as NodeTrainingBackend);
  const dir = resolveModelDir(flags.model);
  const cardPath = join(dir, 'card.json');
  const card = existsSync(cardPath) ? parseModelCard(await readFile(cardPath, 'utf8'), cardPath) : null;
  const corruption = flags.drift ? 'none' : (flags.corruption ?? card?.worstCorruption.name ?? 'fog');
  if (flags.drift && flags.corruption && flags.corruption !== 'none') throw new UsageError('--drift and --corruption exclude each other: the drift is either your set or a corruption.');
  const datasetName = flags.clean ?? card?.evaluation.testSet ?? 'mnist-test';
  // card.json is the lab's own model card, not part of the tfjs artifacts.
  const validated = validateModelFiles((await readModelFolder(dir)).filter((f) => !f.name.endsWith('card.json')), { name: flags.model });
  const model = await loadValidatedModel(validated);
  const graph = buildBlockGraph(validated.flat, validated.name);
  const shape = { inputShape: graph.inputShape, numClasses: graph.numClasses, classNames: validated.classNames ?? card?.classNames ?? undefined };
  const notes: string[] = [];
  const load = async (target: string, role: string) => {
    const { dataset, notes: n } = await loadRepairSet(target, shape, role);
    notes.push(...n);
    return dataset;
  };
  const testSet = await load(datasetName, 'clean');
  const trainName = flags.train ?? bundledTrainingSplitOf(datasetName);
  const train = trainName && trainName !== 'none' ? await load(trainName, 'train') : null;
  const driftSet = flags.drift ? await load(flags.drift, 'drift') : null;
  const driftIdentity = driftSet ? await datasetIdentity(driftSet) : undefined;
  for (const note of notes) console.log(`note: ${note}`);
  if (driftIdentity) console.log(`drift set: ${driftIdentity.name}, ${driftIdentity.count} images, ${driftIdentity.hash}`);
  const session = new RepairSession(model, graph, testSet, {
    seed: flags.seed,
    corruption: corruption === 'none' ? 'none' : parseCorruptionName(corruption),
    severity: parseSeverity(flags.severity),
    workingSize: flags.working,
    cleanValidationSize: flags['clean-validation'],
    cleanHeldOutSize: flags['clean-held-out'],
    failureCap: flags.failures,
    cleanPerFailure: flags['clean-per-failure'],
    distillWeight: flags['distill-weight'],
    correctionPenalty: flags['correction-penalty'],
    cleanTolerance: flags['clean-bound'] / 100,
    robustnessGuard: flags.guard,
    suiteSize: flags['suite-size'],
    search: { ...D.search, preset: flags.preset as PresetName, epochs: flags.epochs, batchSize: flags.batch, alphaLearningRate: flags['alpha-lr'], alphaWarmupEpochs: flags['alpha-warmup'], weightLearningRate: flags['search-lr'] },
    ...(flags['baseline-lr'] === null ? {} : { baselineLearningRates: { 'network-finetune': flags['baseline-lr'], 'layer-weights': flags['baseline-lr'], 'block-weights': flags['baseline-lr'] } }),
    finetune: { epochs: flags.finetune, batchSize: flags.batch, learningRate: flags.lr, scope: flags['finetune-scope'] as 'block' | 'network', networkRate: flags['network-rate'] },
  }, train, driftSet);
  let lastPhase = '';
  const onProgress = flags.quiet
    ? undefined
    : (p: Progress) => {
        if (p.phase !== lastPhase || p.done === p.total) process.stderr.write(`\r${p.phase}: ${p.done}/${p.total}${p.done === p.total ? '\n' : ''}`);
        lastPhase = p.phase;
      };
  const started = Date.now();
  const { report } = await runRepairPipeline(session, {
    modelName: validated.name,
    backend,
    baselines: flags.baselines,
    includeSuite: flags.suite,
    suiteSeverities: flags['suite-severities'].split(',').map((v) => parseSeverity(Number(v))),
    log: (line) => console.log(line),
    onProgress,
    blockOverride: flags.block,
    baselineNames: flags['baseline-names'] ? parseBaselineNames(flags['baseline-names']) : undefined,
    driftIdentity,
  });
  const out = resolve(flags.out ?? join('reports', `${validated.name}-${session.driftLabel}-s${flags.seed}`));
  await mkdir(out, { recursive: true });
  await writeFile(join(out, 'report.json'), JSON.stringify(report, null, 1));
  await writeFile(join(out, 'report.md'), reportMarkdown(report));
  const derived = session.derived!;
  const exported = await exportModel(derived.model);
  for (const file of exported.files) await writeFile(join(out, file.name), file.bytes);
  console.log(`\nArchRepair: ${verdictText(derived.selection)}.`);
  if (derived.selection.verdict === 'no-repair') console.log('The model written is the original, unchanged: it is not a repair.');
  const { shortfall } = reportStanding(report, derived.selection.verdict);
  if (shortfall !== null) console.log(ENGLISH_REPORT_WORDS.cleanShortfall({ points: (100 * shortfall).toFixed(1), tolerance: (100 * heldOutBound(derived.selection)).toFixed(1) }));
  console.log(`Done in ${((Date.now() - started) / 1000).toFixed(0)} s. Report and repaired model written to ${out}`);
  session.dispose();
  model.dispose();
  return 0;
}

runWhenEntry('repair.ts', 'repair', SYNOPSIS, SPEC, main);

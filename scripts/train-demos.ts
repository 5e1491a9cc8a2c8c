/**
 * Trains the demo model zoo (seeded) and writes public/models/<name>/{model.json, group1-shard1of1.bin, card.json}
 * plus public/models/index.json. Usage: npm run train-demos -- [--models mnist-cnn,fashion-cnn] [--seed 1] [--help]
 */
import * as tf from '@tensorflow/tfjs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs, usage } from '../src/cli/args';
import { useNodeTrainingBackend } from '../src/cli/node-backend';
import { loadBundledDataset } from '../src/core/data/bundled';
import { CORRUPTION_NAMES, corruptDataset, type CorruptionName } from '../src/core/data/corruptions';
import { subset, type Dataset } from '../src/core/data/dataset';
import { findWorstCorruption, type ModelCard } from '../src/core/data/model-card';
import { loadSourceSplit, readPublicData } from '../src/core/data/node-source';
import { createRng, shuffled } from '../src/core/random';
import { DEFAULT_DATA_DIR, prepareData } from './prepare-data';
import { buildDemoModel, DEMO_MODEL_NAMES, type DemoModelName } from './demo-zoo/architectures';
import { accuracy } from './demo-zoo/evaluate';
import { saveModelToDir } from './demo-zoo/model-files';
import { DEMO_PRESETS } from './demo-zoo/presets';
import { trainModel } from './demo-zoo/train';

const FLAGS = {
  models: { type: 'string', default: DEMO_MODEL_NAMES.join(','), help: 'comma-separated demo models to train' },
  out: { type: 'string', default: 'public/models', help: 'output folder' },
  seed: { type: 'number', default: 1, help: 'seed for data order and initial weights' },
  backend: { type: 'string', default: 'wasm', help: 'wasm (fast) or cpu' },
  'train-scale': { type: 'number', default: 1, help: 'multiplies every preset trainCount (e.g. 0.05 for a smoke run)' },
  'corruption-count': { type: 'number', default: 5000, help: 'test images per corruption accuracy (first N)' },
  severity: { type: 'number', default: 3, help: 'corruption severity on the card' },
  'corruption-seed': { type: 'number', default: 0, help: 'seed of the corruptions on the card' },
} as const;

const { flags, isHelp } = parseArgs(process.argv.slice(2), FLAGS);
if (isHelp) {
  console.log(usage('train-demos', '[flags]', FLAGS));
  process.exit(0);
}
const names = flags.models.split(',').map((n) => n.trim()) as DemoModelName[];
for (const n of names) if (!DEMO_MODEL_NAMES.includes(n)) throw new Error(`Unknown model ${n}; known: ${DEMO_MODEL_NAMES.join(', ')}`);

const backend = await useNodeTrainingBackend(flags.backend === 'cpu' ? 'cpu' : 'wasm');
await prepareData(DEFAULT_DATA_DIR);
const log = (msg: string): void => console.log(`[${new Date().toISOString().slice(11, 19)}] ${msg}`);
log(`backend ${backend}; models ${names.join(', ')}`);
const testSets = new Map<string, { clean: Dataset; corrupted: Map<CorruptionName, Dataset> }>();

/** Clean test set and its corrupted copies, built once per test set and shared by the models that use it. */
async function testData(name: (typeof DEMO_PRESETS)[DemoModelName]['testSet']) {
  const cached = testSets.get(name);
  if (cached) return cached;
  const clean = await loadBundledDataset(name, readPublicData(DEFAULT_DATA_DIR));
  const head = subset(clean, Array.from({ length: Math.min(clean.count, flags['corruption-count']) }, (_, i) => i));
  const corrupted = new Map<CorruptionName, Dataset>();
  for (const c of CORRUPTION_NAMES) corrupted.set(c, corruptDataset(head, c, flags.severity as 3, flags['corruption-seed']));
  log(`${name}: built ${corrupted.size} corrupted copies of ${head.count} images`);
  const entry = { clean, corrupted };
  testSets.set(name, entry);
  return entry;
}

const zoo: { name: string; title: string; testSet: string; path: string }[] = [];
for (const name of names) {
  const preset = DEMO_PRESETS[name];
  const trainCount = Math.round(preset.trainCount * flags['train-scale']);
  const split = await loadSourceSplit(preset.source, 'train');
  const order = shuffled(Array.from({ length: split.count }, (_, i) => i), createRng(flags.seed)).slice(0, trainCount);
  const train = subset(split, order, `${preset.source}-train-${trainCount}`);
  const model = buildDemoModel(name, flags.seed * 1000);
  const started = performance.now();
  const { finalLoss } = await trainModel(model, train, { learningRates: preset.learningRates, batchSize: preset.batchSize, seed: flags.seed }, (m) => log(`${name} ${m}`));
  const seconds = (performance.now() - started) / 1000;
  const { clean, corrupted } = await testData(preset.testSet);
  const cleanAccuracy = await accuracy(model, clean);
  const corruptionAccuracy: Partial<Record<CorruptionName, number>> = {};
  for (const [c, ds] of corrupted) corruptionAccuracy[c] = await accuracy(model, ds);
  const worst = findWorstCorruption(corruptionAccuracy, cleanAccuracy);
  const dir = join(flags.out, name);
  const { weightBytes } = await saveModelToDir(model, dir);
  const card: ModelCard = {
    version: 1,
    name,
    title: preset.title,
    description: preset.description,
    architecture: {
      kind: model instanceof tf.Sequential ? 'sequential' : 'functional',
      params: model.countParams(),
      layers: model.layers.map((l) => ({ name: l.name, className: l.getClassName(), outputShape: (l.outputShape as number[]).slice(1), params: l.countParams() })),
      summary: preset.summary,
    },
    inputShape: [28, 28, 1],
    classNames: clean.classNames,
    training: {
      seed: flags.seed,
      data: `${trainCount} images drawn by a seeded shuffle (seed ${flags.seed}) from ${split.provenance}`,
      trainCount,
      epochs: preset.learningRates.length,
      batchSize: preset.batchSize,
      optimizer: `adam, learning rate per epoch ${preset.learningRates.join(', ')} (fresh optimizer each epoch)`,
      backend,
      seconds: Math.round(seconds),
      finalLoss: Number(finalLoss.toFixed(4)),
    },
    evaluation: { testSet: preset.testSet, cleanCount: clean.count, corruptionCount: Math.min(clean.count, flags['corruption-count']), severity: flags.severity, corruptionSeed: flags['corruption-seed'] },
    cleanAccuracy,
    corruptionAccuracy,
    worstCorruption: worst,
    files: { model: 'model.json', weightBytes },
  };
  await writeFile(join(dir, 'card.json'), JSON.stringify(card, null, 2) + '\n');
  zoo.push({ name, title: preset.title, testSet: preset.testSet, path: `${name}/model.json` });
  log(`${name}: ${Math.round(seconds)} s training, clean ${(cleanAccuracy * 100).toFixed(2)} %, worst ${worst.name} ${(worst.accuracy * 100).toFixed(2)} %, ${weightBytes} weight bytes`);
  model.optimizer?.dispose();
  model.dispose();
}
if (names.length === DEMO_MODEL_NAMES.length) await writeFile(join(flags.out, 'index.json'), JSON.stringify({ version: 1, models: zoo }, null, 2) + '\n');
log(`done; tensors left: ${tf.memory().numTensors}`);

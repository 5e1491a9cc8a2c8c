import * as tf from '@tensorflow/tfjs';
import type { BlockGraph, ProgressCallback } from '../types';
import type { CancelToken } from '../progress';
import { graphLayers } from '../model/layer-map';
import { createRng } from '../random';
import { parseGenotype } from '../search/genotype';
import { edgeCount } from '../search/layout';
import { cloneModel } from './clone';
import { trainWithSelection } from './selective-train';
import type { Selection } from './selection';
import { modelLogits, type RepairSession } from './session';
import type { Genotype } from '../types';
import type { RepairConfig } from './config';

/** The controls of RQ1/RQ4: weight repair at three levels, and a random genotype of the same search space. */
export const BASELINE_NAMES = ['network-finetune', 'layer-weights', 'block-weights', 'random-genotype'] as const;
export type BaselineName = (typeof BASELINE_NAMES)[number];
export type WeightBaselineName = Exclude<BaselineName, 'random-genotype'>;

export const BASELINE_LABELS: Record<BaselineName | 'archrepair' | 'original', string> = {
  original: 'original model',
  'network-finetune': 'network-level fine-tune',
  'layer-weights': 'layer-level weight repair (most-gradient layer)',
  'block-weights': 'block-level weight-only repair (same block)',
  'random-genotype': 'random genotype (same search space and fine-tune)',
  archrepair: 'ArchRepair (block architecture + weights)',
};

/** A method's repaired model (the original's copy when its selection kept the original). */
export interface MethodOutcome {
  name: BaselineName;
  model: tf.LayersModel;
  /** What was trained (layer names), or the genotype for the random control. */
  trained: string[];
  genotype?: Genotype;
  losses: number[];
  selection: Selection;
  dispose(): void;
}

/**
 * Runs one control on exactly ArchRepair's data: the same D_repair images (failures + clean
 * training images with distillation targets), the same loss, the same validation sets and
 * selection rule. Weight baselines take as many weight steps as ArchRepair (baselineEpochs) at
 * their own learning rate; the random genotype reuses the trained supernet and
 * the same derive + fine-tune as ArchRepair, so only the choice of genotype differs.
 */
export async function runBaseline(name: BaselineName, session: RepairSession, cancel?: CancelToken, onProgress?: ProgressCallback): Promise<MethodOutcome> {
  if (!session.activeSearch || session.blockIndex === null) throw new Error('runBaseline: start the search first.');
  if (name === 'random-genotype') {
    const genotype = randomGenotype(session);
    const derived = await session.deriveWith(genotype, cancel, onProgress);
    return { name, model: derived.model, trained: derived.blockLayers, genotype, losses: derived.finetuneLosses, selection: derived.selection, dispose: () => derived.dispose() };
  }
  const shared = await session.selectionData(onProgress);
  const config = session.config;
  const model = await cloneModel(session.model);
  try {
    const trained = trainedLayers(name, session.graph, session.blockIndex, await mostGradientLayer(model, session));
    const layers = graphLayers(model, session.graph);
    // A shared layer appears once per use in the graph; train its variables once.
    const variables = [...new Set(trained.flatMap((n) => layers.get(n)?.trainableWeights.map((w) => w.read() as tf.Variable) ?? []))];
    const { losses, selection } = await trainWithSelection({
      forward: modelLogits(model, session.isProbabilities),
      variables,
      state: variables,
      train: shared.images.train,
      validation: shared.images.validation,
      original: shared.original,
      cleanTolerance: config.cleanTolerance,
      settings: { epochs: baselineEpochs(config), batchSize: config.finetune.batchSize, learningRate: config.baselineLearningRates[name], seed: config.seed, distillWeight: config.distillWeight },
      phase: `baseline: ${name}`,
      cancel,
      onProgress,
    });
    return { name, model, trained, losses, selection, dispose: () => model.dispose() };
  } catch (err) {
    model.dispose();
    throw err;
  }
}

/**
 * Epochs of a weight baseline: as many weight steps as ArchRepair takes. A search epoch updates
 * the weights once per S_w batch (half of D_repair), a fine-tune epoch once per D_repair batch.
 */
export function baselineEpochs(config: RepairConfig): number {
  return config.finetune.epochs + Math.ceil(config.search.epochs / 2);
}

function trainedLayers(name: WeightBaselineName, graph: BlockGraph, blockIndex: number, mostGradient: string): string[] {
  if (name === 'network-finetune') return graph.layers.filter((l) => l.params > 0).map((l) => l.name);
  if (name === 'layer-weights') return [mostGradient];
  return graph.blocks[blockIndex].layers;
}

/** A genotype drawn from random α (seeded by the session): the control of "did the search matter". */
export function randomGenotype(session: RepairSession): Genotype {
  const search = session.activeSearch;
  if (!search) throw new Error('randomGenotype: start the search first.');
  const rng = createRng(session.config.seed ^ 0x7a11d);
  const rows = Array.from({ length: edgeCount(search.steps) }, () => search.ops.map(() => rng.next()));
  return parseGenotype(rows, search.steps, search.ops);
}

/** The weighted layer with the largest mean per-parameter gradient magnitude on the failures (empirical-study rule). */
async function mostGradientLayer(model: tf.LayersModel, session: RepairSession): Promise<string> {
  const graph = session.graph;
  const data = session.trainImages!;
  const layers = graphLayers(model, graph);
  const weighted = graph.layers.filter((l) => l.params > 0 && (layers.get(l.name)?.trainableWeights.length ?? 0) > 0);
  const failing = Array.from(data.isFailure ?? new Uint8Array(data.shape[0]).fill(1)).flatMap((f, i) => (f ? [i] : [])).slice(0, 256);
  const [, h, w, c] = data.shape;
  const x = tf.tensor4d(Float32Array.from(failing.flatMap((i) => Array.from(data.inputs.subarray(i * h * w * c, (i + 1) * h * w * c)))), [failing.length, h, w, c]);
  const y = tf.tensor1d(Int32Array.from(failing, (i) => data.labels[i]), 'int32');
  const vars = weighted.map((l) => layers.get(l.name)!.trainableWeights.map((wt) => wt.read() as tf.Variable));
  const forward = modelLogits(model, session.isProbabilities);
  const { grads } = tf.variableGrads(() => {
    const logits = forward(x, false);
    return tf.losses.softmaxCrossEntropy(tf.oneHot(y, logits.shape[1] ?? 1), logits) as tf.Scalar;
  }, vars.flat());
  const scores = tf.tidy(() => tf.stack(vars.map((vs) => tf.addN(vs.map((v) => grads[v.name].abs().sum())).div(vs.reduce((s, v) => s + v.size, 0)))));
  const values = await scores.data();
  tf.dispose([x, y, scores, ...Object.values(grads)]);
  let best = 0;
  values.forEach((v, i) => (best = v > values[best] ? i : best));
  return weighted[best].name;
}

import * as tf from '@tensorflow/tfjs';
import type { BlockGraph, Genotype, ProgressCallback } from '../types';
import type { CancelToken } from '../progress';
import { buildDerivedBlock } from '../search/derive';
import type { CellParts } from '../search/cell';
import type { OpName } from '../search/primitives';
import type { Batch, Split } from '../search/batches';
import { mapInputs } from './block-cache';
import { splitModel } from '../model/split';
import { graphLayers } from '../model/layer-map';
import { asLogits } from './train';
import { correctionPenalty, repairLoss } from '../search/repair-loss';
import { spliceBlock } from '../model/splice';
import { replayModel } from './replay';
import { copyBlock } from './copy-block';
import { recomputeBatchNorm } from './bn-stats';
import { cloneModel } from './clone';
import { trainWithSelection, type ValidationData } from './selective-train';
import type { CandidateScore, Selection } from './selection';
import type { LogitsFn } from './train';

/** The repaired model and how its new block learned. */
export interface DerivedModel {
  /** The repaired model; a copy of the original when the selection kept the original. */
  model: tf.LayersModel;
  genotype: Genotype;
  /** Mean training loss per fine-tune epoch. */
  finetuneLosses: number[];
  /** The do-no-harm selection over the fine-tune epochs and the original. */
  selection: Selection;
  /** Layer names of the new block inside `model` (empty when the original was kept). */
  blockLayers: string[];
  params: number;
  /** Frees the repaired model and the new block's weights. */
  dispose(): void;
}

/**
 * What the derived block's fine-tune trains: 'block' (the new cell, on cached block inputs,
 * the rest of the model frozen) or 'network' (the new cell and every layer outside the block,
 * on images; METHOD §2.4's optional final stage). The copy of the original block stays frozen.
 */
export type FinetuneScope = 'block' | 'network';

/** Images the derived block trains, is normalised and is chosen on (for a fine-tune of scope 'network'; and its validation for any scope). */
export interface DeriveData {
  /** S_w ∪ S_α (failures and clean training images, with distillation targets). */
  train: Split;
  validation: ValidationData;
}

export interface DeriveRequest {
  model: tf.LayersModel;
  graph: BlockGraph;
  blockIndex: number;
  genotype: Genotype;
  outputRelu: boolean;
  /** The trained supernet the genotype came from (parameter inheritance). */
  inherit: { parts: CellParts; ops: readonly OpName[]; alphaSoftmax: number[][] };
  /** S_w ∪ S_α as cached block inputs: what a fine-tune of scope 'block' trains on. */
  blockTrain: Split;
  /** The original model's validation accuracies. */
  original: CandidateScore;
  /** Frozen suffix to logits. */
  suffix: (blockOut: tf.Tensor4D) => tf.Tensor;
  /** Frozen prefix, images to block inputs (validation and guard images, for a fine-tune of scope 'block'). */
  prefix: (x: tf.Tensor4D) => tf.Tensor4D;
  finetune: { epochs: number; batchSize: number; learningRate: number; scope: FinetuneScope; networkRate: number };
  /** Full images of the same examples (a fine-tune of scope 'network' trains on them) and the validation images. */
  images: DeriveData;
  isProbabilities: boolean;
  distillWeight: number;
  correctionPenalty: number;
  /** The selection's clean bound (RepairConfig.cleanTolerance). */
  cleanTolerance: number;
  seed: number;
  cancel?: CancelToken;
  onProgress?: ProgressCallback;
}

/** Name prefix of the copied original block's layers inside the repaired block. */
const ORIGINAL_PREFIX = 'archrepair_original';

/** S_w and S_α joined into one training split (both hold failures and clean examples). */
export function joinSplits(a: Split, b: Split): Split {
  const inputs = new Float32Array(a.inputs.length + b.inputs.length);
  inputs.set(a.inputs);
  inputs.set(b.inputs, a.inputs.length);
  const labels = new Int32Array(a.labels.length + b.labels.length);
  labels.set(a.labels);
  labels.set(b.labels, a.labels.length);
  const joined: Split = { inputs, labels, shape: [a.shape[0] + b.shape[0], a.shape[1], a.shape[2], a.shape[3]] };
  if (a.isFailure && b.isFailure) joined.isFailure = Uint8Array.from([...a.isFailure, ...b.isFailure]);
  if (a.teacher && b.teacher) {
    const probabilities = new Float32Array(a.teacher.probabilities.length + b.teacher.probabilities.length);
    probabilities.set(a.teacher.probabilities);
    probabilities.set(b.teacher.probabilities, a.teacher.probabilities.length);
    joined.teacher = { probabilities, classes: a.teacher.classes, mask: Uint8Array.from([...a.teacher.mask, ...b.teacher.mask]) };
  }
  return joined;
}

/**
 * Derivation with parameter inheritance (our addition, DESIGN §4): the genotype becomes a block
 * of standard Keras layers that computes the original block (fresh copies of its layers) plus
 * the derived cell's correction, every cell layer starting from the supernet's weights of the
 * same op on the same edge (its α weight folded in) and the correction's output Conv1×1 from
 * zero, so the fine-tune starts from exactly the original model. It is fine-tuned — alone on the
 * cached block inputs (scope 'block'), or with a copy of every layer around it on images (scope
 * 'network') —
 * with the correction penalty, its BN statistics first recomputed exactly on the training rows,
 * and the do-no-harm rule picks the epoch or keeps the original model.
 */
export async function deriveRepairedModel(req: DeriveRequest): Promise<DerivedModel> {
  const block = req.graph.blocks[req.blockIndex];
  const build = buildDerivedBlock(req.genotype, {
    inputShape: block.inputShape as [number, number, number],
    outputShape: block.outputShape as [number, number, number],
    stride: block.stride === 2 ? 2 : 1,
    steps: req.genotype.steps,
    residual: false,
    outputRelu: req.outputRelu,
    seed: req.seed,
    base: copyBlock(req.model, req.graph, req.blockIndex, ORIGINAL_PREFIX),
    inherit: req.inherit,
    restartCorrection: true,
    onCorrection: (sym) => (correction = sym),
  });
  let correction: tf.SymbolicTensor | null = null;
  const input = tf.input({ shape: block.inputShape });
  const blockModel = tf.model({ inputs: input, outputs: build(input) });
  const withCorrection = tf.model({ inputs: input, outputs: [blockModel.outputs[0], correction!] });
  const cellNorms = blockModel.layers.filter((l) => l.getClassName() === 'BatchNormalization' && !l.name.startsWith(ORIGINAL_PREFIX)).map((l) => l.name);
  // The whole derived block trains: the cell and the copy of the original block (which the search kept frozen).
  const blockVariables = blockModel.trainableWeights.map((w) => w.read() as tf.Variable);
  // Network scope trains a copy of the model around the block; block scope keeps the original's frozen prefix and suffix.
  const host = req.finetune.scope === 'network' ? await cloneModel(req.model) : null;
  const hostSplit = host ? splitModel(host, req.graph, req.blockIndex) : null;
  const toBlock = (x: tf.Tensor4D): tf.Tensor4D => (hostSplit ? (hostSplit.prefix(x) as tf.Tensor4D) : x);
  const toLogits = (out: tf.Tensor4D): tf.Tensor => (hostSplit ? asLogits(hostSplit.suffix(out), req.isProbabilities) : req.suffix(out));
  const train = host ? req.images.train : req.blockTrain;
  const trainingLoss = (batch: Batch) =>
    tf.tidy(() => {
      const [out, added] = withCorrection.apply(toBlock(batch.x), { training: false }) as tf.Tensor4D[];
      const value = repairLoss(toLogits(out), batch, req.distillWeight);
      return value.add(correctionPenalty(added, out, batch.teacher?.mask).mul(req.correctionPenalty)) as tf.Scalar;
    });
  const forward: LogitsFn = (x) => toLogits(blockModel.apply(toBlock(x), { training: false }) as tf.Tensor4D);
  const imageForward: LogitsFn = host ? forward : (x, training) => forward(req.prefix(x), training);
  // Once, before the fine-tune, on the rows it trains on: the supernet normalised with batch
  // statistics of such mixed batches, and the fine-tune runs in inference mode, so each candidate
  // the selection scores is exactly the function that was trained.
  const normalise = async () => recomputeBatchNorm(blockModel, cellNorms, hostSplit ? { ...train, ...(await mapInputs(toBlock, train.inputs, train.shape)) } : train);
  const blockLayerNames = new Set(req.graph.blocks[req.blockIndex].layers);
  const hostVariables = host ? [...new Set([...graphLayers(host, req.graph)].filter(([name]) => !blockLayerNames.has(name)).flatMap(([, l]) => l.trainableWeights.map((w) => w.read() as tf.Variable)))] : [];
  await normalise();
  const { losses, selection } = await trainWithSelection({
    forward,
    imageForward,
    trainingLoss,
    variables: [...blockVariables, ...hostVariables],
    state: [...blockModel.weights.map((w) => w.read() as tf.Variable), ...(host ? host.weights.map((w) => w.read() as tf.Variable) : [])],
    train,
    validation: req.images.validation,
    original: req.original,
    cleanTolerance: req.cleanTolerance,
    settings: { ...req.finetune, seed: req.seed, distillWeight: req.distillWeight, slower: { variables: hostVariables, rate: req.finetune.networkRate } },
    phase: req.finetune.scope === 'network' ? 'fine-tuning the derived block and the network' : 'fine-tuning the derived block',
    cancel: req.cancel,
    onProgress: req.onProgress,
  });
  hostSplit?.dispose();
  const params = blockModel.countParams();
  if (selection.verdict === 'no-repair') {
    blockModel.dispose();
    host?.dispose();
    const kept = await cloneModel(req.model);
    return { model: kept, genotype: req.genotype, finetuneLosses: losses, selection, blockLayers: [], params, dispose: () => kept.dispose() };
  }
  const repaired = spliceBlock(host ?? req.model, req.graph, req.blockIndex, (sym) => replayModel(blockModel, sym));
  const blockLayers = blockModel.layers.filter((l) => l.getClassName() !== 'InputLayer').map((l) => l.name);
  return {
    model: repaired,
    genotype: req.genotype,
    finetuneLosses: losses,
    selection,
    blockLayers,
    params,
    dispose: () => {
      repaired.dispose();
      blockModel.dispose();
      host?.dispose();
    },
  };
}

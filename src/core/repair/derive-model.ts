import * as tf from '@tensorflow/tfjs';
import type { BlockGraph, Genotype, ProgressCallback } from '../types';
import type { CancelToken } from '../progress';
import { buildDerivedBlock } from '../search/derive';
import type { SearchData, Split } from '../search/batches';
import { spliceBlock } from '../model/splice';
import { replayModel } from './replay';
import { accuracyOf, predictSplit, trainVariables, type LogitsFn } from './train';

/** The repaired model and how its new block learned. */
export interface DerivedModel {
  model: tf.LayersModel;
  genotype: Genotype;
  /** Mean training loss per fine-tune epoch. */
  finetuneLosses: number[];
  /** Accuracy on the held-out validation split (clean) and validation failures after fine-tuning. */
  accValidation: number;
  /** Layer names of the new block inside `model`. */
  blockLayers: string[];
  params: number;
}

export interface DeriveRequest {
  model: tf.LayersModel;
  graph: BlockGraph;
  blockIndex: number;
  genotype: Genotype;
  residual: boolean;
  /** Cached block inputs: S_w ∪ S_α train the new block, validation measures it. */
  data: SearchData;
  /** Frozen suffix to logits. */
  suffix: (blockOut: tf.Tensor4D) => tf.Tensor;
  finetune: { epochs: number; batchSize: number; learningRate: number };
  seed: number;
  cancel?: CancelToken;
  onProgress?: ProgressCallback;
}

/** S_w and S_α joined into one training split (both hold failures and clean examples). */
export function joinSplits(a: Split, b: Split): Split {
  const inputs = new Float32Array(a.inputs.length + b.inputs.length);
  inputs.set(a.inputs);
  inputs.set(b.inputs, a.inputs.length);
  const labels = new Int32Array(a.labels.length + b.labels.length);
  labels.set(a.labels);
  labels.set(b.labels, a.labels.length);
  return { inputs, labels, shape: [a.shape[0] + b.shape[0], a.shape[1], a.shape[2], a.shape[3]] };
}

/**
 * DARTS-style derivation: the genotype becomes a block of standard Keras layers (fresh,
 * affine BN), trained standalone on the cached block inputs through the frozen suffix, then
 * the same layer objects are wired into a copy of the model in place of the old block.
 */
export async function deriveRepairedModel(req: DeriveRequest): Promise<DerivedModel> {
  const block = req.graph.blocks[req.blockIndex];
  const build = buildDerivedBlock(req.genotype, {
    inputShape: block.inputShape as [number, number, number],
    outputShape: block.outputShape as [number, number, number],
    stride: block.stride === 2 ? 2 : 1,
    steps: req.genotype.steps,
    residual: req.residual,
  });
  const input = tf.input({ shape: block.inputShape });
  const blockModel = tf.model({ inputs: input, outputs: build(input) });
  const forward: LogitsFn = (x, training) => req.suffix(blockModel.apply(x, { training }) as tf.Tensor4D);
  const variables = blockModel.trainableWeights.map((w) => w.read() as tf.Variable);
  const train = joinSplits(req.data.weights, req.data.alpha);
  const finetuneLosses = await trainVariables(forward, variables, train, { ...req.finetune, seed: req.seed }, 'fine-tuning the derived block', req.cancel, req.onProgress);
  const predicted = await predictSplit(forward, req.data.validation);
  const repaired = spliceBlock(req.model, req.graph, req.blockIndex, (sym) => replayModel(blockModel, sym));
  const blockLayers = blockModel.layers.filter((l) => l.getClassName() !== 'InputLayer').map((l) => l.name);
  return {
    model: repaired,
    genotype: req.genotype,
    finetuneLosses,
    accValidation: accuracyOf(predicted, req.data.validation.labels),
    blockLayers,
    params: blockModel.countParams(),
  };
}

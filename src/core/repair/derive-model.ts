import * as tf from '@tensorflow/tfjs';
import type { BlockGraph, Genotype, ProgressCallback } from '../types';
import type { CancelToken } from '../progress';
import { buildDerivedBlock } from '../search/derive';
import { gatherBatch, type Batch, type SearchData, type Split } from '../search/batches';
import { createRng, shuffled } from '../random';
import { spliceBlock } from '../model/splice';
import { replayModel } from './replay';
import { accuracyOf, predictSplit, trainWithLoss, type LogitsFn } from './train';

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
  /** Frees the new block's weights (the standalone block model shares them with `model`). */
  dispose(): void;
}

export interface DeriveRequest {
  model: tf.LayersModel;
  graph: BlockGraph;
  blockIndex: number;
  genotype: Genotype;
  residual: boolean;
  outputRelu: boolean;
  /** Cached block inputs: S_w ∪ S_α train the new block, validation measures it. */
  data: SearchData;
  /**
   * Clean block inputs and the original block, for a distillation warm-up: the new block first
   * learns to reproduce the original block's outputs, so the frozen suffix keeps receiving the
   * features it was trained on; the repair loss then corrects the failures.
   */
  distill: { inputs: Split; teacher: (x: tf.Tensor4D) => tf.Tensor; epochs: number } | null;
  /** Frozen suffix to logits. */
  suffix: (blockOut: tf.Tensor4D) => tf.Tensor;
  finetune: { epochs: number; batchSize: number; learningRate: number };
  /** Held-out examples (clean and failing) that pick the best fine-tune epoch. */
  heldOut: Split;
  seed: number;
  cancel?: CancelToken;
  onProgress?: ProgressCallback;
}

/** Mean of the accuracies on clean and on failing held-out examples (each half counts equally). */
function balancedAccuracy(predicted: Int32Array, split: Split): number {
  const parts = [0, 1].map((flag) => {
    const idx = Array.from(split.labels.keys()).filter((i) => (split.isFailure?.[i] ?? 0) === flag);
    return idx.length ? idx.filter((i) => predicted[i] === split.labels[i]).length / idx.length : null;
  });
  const known = parts.filter((p): p is number => p !== null);
  return known.reduce((a, b) => a + b, 0) / Math.max(1, known.length);
}

/** Mean squared distance between feature maps, relative to the teacher's mean square. */
function featureDistance(teacher: tf.Tensor, student: tf.Tensor): tf.Scalar {
  return tf.tidy(() => tf.losses.meanSquaredError(teacher, student).div(teacher.square().mean().add(1e-6)) as tf.Scalar);
}

/** An endless stream of shuffled batches from `split` (created inside the caller's tape scope). */
function cyclingBatches(split: Split, batchSize: number, seed: number): () => Batch {
  const rng = createRng(seed);
  let order: number[] = [];
  return () => {
    if (order.length < batchSize) order = order.concat(shuffled(Array.from({ length: split.shape[0] }, (_, i) => i), rng));
    return gatherBatch(split, order.splice(0, batchSize));
  };
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
    outputRelu: req.outputRelu,
  });
  const input = tf.input({ shape: block.inputShape });
  const blockModel = tf.model({ inputs: input, outputs: build(input) });
  const forward: LogitsFn = (x, training) => req.suffix(blockModel.apply(x, { training }) as tf.Tensor4D);
  const variables = blockModel.trainableWeights.map((w) => w.read() as tf.Variable);
  const train = joinSplits(req.data.weights, req.data.alpha);
  const student = (x: tf.Tensor4D) => blockModel.apply(x, { training: true }) as tf.Tensor;
  const distill = req.distill && req.distill.epochs > 0 ? req.distill : null;
  if (distill) {
    const mse = (batch: Batch) => featureDistance(tf.tidy(() => distill.teacher(batch.x)), student(batch.x));
    await trainWithLoss(mse, variables, distill.inputs, { ...req.finetune, epochs: distill.epochs, seed: req.seed + 7 }, 'distilling the original block', req.cancel, req.onProgress);
  }
  // Repair loss on D_repair, plus the distillation term on a clean batch at every step so the
  // block keeps the features the frozen suffix expects (clean accuracy must not drop).
  const nextClean = distill ? cyclingBatches(distill.inputs, req.finetune.batchSize, req.seed + 11) : null;
  const repairLoss = (batch: Batch) => {
    const logits = forward(batch.x, true);
    const ce = tf.losses.softmaxCrossEntropy(tf.oneHot(batch.labels, logits.shape[1] ?? 1), logits) as tf.Scalar;
    if (!distill || !nextClean) return ce;
    const clean = nextClean();
    return ce.add(featureDistance(tf.tidy(() => distill.teacher(clean.x)), student(clean.x))) as tf.Scalar;
  };
  // Keep the weights of the epoch with the best held-out accuracy (METHOD §2.4).
  const heldOut = req.heldOut;
  let best = { accuracy: -1, values: [] as tf.Tensor[] };
  const finetuneLosses = await trainWithLoss(repairLoss, variables, train, {
    ...req.finetune,
    seed: req.seed,
    onEpochEnd: async () => {
      const accuracy = balancedAccuracy(await predictSplit(forward, heldOut), heldOut);
      if (accuracy > best.accuracy) {
        tf.dispose(best.values);
        best = { accuracy, values: blockModel.getWeights().map((w) => w.clone()) };
      }
    },
  }, 'fine-tuning the derived block', req.cancel, req.onProgress);
  if (best.values.length) {
    blockModel.setWeights(best.values);
    tf.dispose(best.values);
  }
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
    dispose: () => {
      repaired.dispose();
      blockModel.dispose();
    },
  };
}

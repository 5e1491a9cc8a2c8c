/**
 * The contrastive backward term (DESIGN §3 step 3): how much more block k's weights are pulled
 * by the failing runs than by the passing ones, in relative terms (after Auto-RGN, Lee et al.,
 * "Surgical Fine-Tuning", arXiv 2210.11466, METHOD §6).
 *
 * For every trainable tensor t of block k, R_F(t) and R_P(t) are the means over failing and
 * passing runs of the relative gradient norm ‖∇W_t L‖₂ / ‖W_t‖₂, and
 *   G_k = mean over the block's tensors of R_F(t) / (R_P(t) + ε·R_F(t)).
 * Scaling a tensor by c (and undoing it downstream, e.g. across a ReLU) scales both R_F and R_P
 * by 1/c², so the ratio does not move; per tensor rather than per block, because such a
 * rescaling moves a kernel and the bias next to it differently. ‖W_t‖ itself cancels in the
 * ratio; R_F and R_P are still reported per block since they read as "relative step sizes".
 *
 * The 'rgn' scoring (rgnBackward) keeps only the failing side, and at block level: block k's
 * trainable weights (every tensor, kernels and biases alike, zero ones included) taken as ONE
 * vector W_k, and G_k = mean over failing runs of ‖∇W_k L‖₂ / ‖W_k‖₂. That is Auto-RGN (Lee et
 * al., "Surgical Fine-Tuning Improves Adaptation to Distribution Shifts", ICLR 2023, arXiv
 * 2210.11466), which is also per layer block, not per tensor, run on the failing runs alone. It
 * needs no passing-run backward pass (|F| backward passes instead of |F| + |P|), but it is NOT
 * rescale-invariant: the rescaling above multiplies G_k of a block scaled whole by c by exactly
 * 1/c², and moves that of the block whose kernel undoes it by a factor in [c², 1] (c < 1) that
 * depends on how much of the block's norms sit in that kernel rather than in its bias.
 */
import * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../data/dataset';
import type { CancelToken } from '../progress';
import { blockGradients, meanOverGroups } from './gradient';
import type { InstrumentedModel } from './instrumented';

/** Relative ε of the contrast: a block whose passing runs give no gradient at all scores 1/ε, not ∞. */
export const CONTRAST_EPSILON = 1e-6;

/** The backward term per block, plus what it was computed from. */
export interface ContrastiveBackward {
  /** G_k. */
  blockScores: number[];
  /** Per block: mean over failing / passing runs of ‖∇W_k L‖₂ / ‖W_k‖₂, the block's weights as one vector. */
  failingRelativeNorm: number[];
  passingRelativeNorm: number[];
}

/** The Auto-RGN backward term per block; with block-level Auto-RGN it IS the failing runs' block-level relative norm. */
export interface FailingRelativeGradient {
  /** G_k = mean over failing runs of ‖∇W_k L‖₂ / ‖W_k‖₂, the block's weights as one vector. */
  blockScores: number[];
  /** The same numbers (kept so that every scoring reports the block-level relative norm under one name). */
  failingRelativeNorm: number[];
}

/**
 * R_F / (R_P + ε·R_F), 0 when the failing runs give no gradient. Any common factor of the two
 * means (a weight rescaling, a loss scale) cancels, ε included.
 */
export function gradientContrast(failingMean: number, passingMean: number, epsilon = CONTRAST_EPSILON): number {
  if (!(failingMean > 0)) return 0;
  return failingMean / (passingMean + epsilon * failingMean);
}

/** Block index of every trainable tensor of the blocks, in the order of model.blockWeights(0), (1), … */
function tensorBlocks(model: Pick<InstrumentedModel, 'numBlocks' | 'blockWeights'>): number[] {
  return Array.from({ length: model.numBlocks }, (_, k) => model.blockWeights(k).map(() => k)).flat();
}

/**
 * One group's gradient norms: ‖∇W_t L‖₂ for every trainable tensor t, then ‖∇W_k L‖₂ for every
 * block k, where L is the group's mean cross-entropy; one backward pass, a [tensors + blocks] tensor.
 */
export function groupGradientNorms(model: InstrumentedModel, x: tf.Tensor4D, y: tf.Tensor1D): tf.Tensor1D {
  return tf.tidy(() => {
    const grads = blockGradients(model, x, y);
    if (!grads) return tf.zeros([model.numBlocks]) as tf.Tensor1D;
    const squares = grads.map((gs) => gs.map((g) => tf.sum(tf.square(g))));
    const tensorNorms = squares.flat().map((sq) => tf.sqrt(sq));
    const blockNorms = squares.map((sq) => (sq.length ? tf.sqrt(tf.addN(sq)) : tf.scalar(0)));
    return tf.stack([...tensorNorms, ...blockNorms]) as tf.Tensor1D;
  });
}

/** ‖W_t‖₂ per trainable tensor (in tensorBlocks order), then ‖W_k‖₂ per block. */
async function weightNorms(model: InstrumentedModel): Promise<{ tensors: number[]; blocks: number[] }> {
  const perBlock = Array.from({ length: model.numBlocks }, (_, k) => model.blockWeights(k));
  const squares = tf.tidy(() => tf.stack([...perBlock.flat().map((v) => tf.sum(tf.square(v))), tf.scalar(0)]));
  const values = Array.from(await squares.data()).slice(0, -1);
  squares.dispose();
  const blocks: number[] = [];
  let at = 0;
  for (const vars of perBlock) {
    blocks.push(Math.sqrt(values.slice(at, at + vars.length).reduce((a, b) => a + b, 0)));
    at += vars.length;
  }
  return { tensors: values.map(Math.sqrt), blocks };
}

const relative = (gradientNorm: number, weightNorm: number): number => (weightNorm > 0 ? gradientNorm / weightNorm : 0);

/** ‖∇W_k L‖₂ per block for one group (the block's weights as one vector): one backward pass, a [blocks] tensor. */
export function groupBlockGradientNorms(model: InstrumentedModel, x: tf.Tensor4D, y: tf.Tensor1D): tf.Tensor1D {
  return tf.tidy(() => {
    const grads = blockGradients(model, x, y);
    if (!grads) return tf.zeros([model.numBlocks]) as tf.Tensor1D;
    return tf.stack(grads.map((gs) => (gs.length ? tf.sqrt(tf.addN(gs.map((g) => tf.sum(tf.square(g))))) : tf.scalar(0)))) as tf.Tensor1D;
  });
}

/**
 * Block-level Auto-RGN on the failing runs (module comment): per block k, with W_k all of the
 * block's trainable weights concatenated (nothing skipped, all-zero tensors included),
 *   G_k = mean over the failing runs of ‖∇W_k L‖₂ / ‖W_k‖₂,
 * 0 for a block without weights or with ‖W_k‖₂ = 0. One backward pass per group of `failing`
 * only; the passing runs are never differentiated.
 */
export async function rgnBackward(model: InstrumentedModel, failing: Dataset, groupSize: number, cancel?: CancelToken, report?: (done: number) => void): Promise<FailingRelativeGradient> {
  const onFailing = await meanOverGroups(failing, groupSize, model.numBlocks, (x, y) => groupBlockGradientNorms(model, x, y), cancel, report);
  const norms = await weightNorms(model);
  const blockScores = onFailing.map((g, k) => relative(g, norms.blocks[k]));
  return { blockScores, failingRelativeNorm: blockScores.slice() };
}

/**
 * G_k over `failing` and `passing` (module comment), with the gradient of each group of
 * `groupSize` examples (1 = exact per-example means). Reports examples done over both sets.
 */
export async function contrastiveBackward(model: InstrumentedModel, failing: Dataset, passing: Dataset, groupSize: number, cancel?: CancelToken, report?: (done: number) => void): Promise<ContrastiveBackward> {
  const blockOf = tensorBlocks(model);
  const width = blockOf.length + model.numBlocks;
  const perGroup = (x: tf.Tensor4D, y: tf.Tensor1D) => groupGradientNorms(model, x, y);
  const onFailing = await meanOverGroups(failing, groupSize, width, perGroup, cancel, report);
  const onPassing = await meanOverGroups(passing, groupSize, width, perGroup, cancel, report && ((done) => report(failing.count + done)));
  const norms = await weightNorms(model);

  const contrasts: number[][] = Array.from({ length: model.numBlocks }, () => []);
  blockOf.forEach((k, t) => contrasts[k].push(gradientContrast(onFailing[t], onPassing[t])));
  const blockScores = contrasts.map((c) => (c.length ? c.reduce((a, b) => a + b, 0) / c.length : 0));
  const blockNorm = (means: number[], k: number) => relative(means[blockOf.length + k], norms.blocks[k]);
  return {
    blockScores,
    failingRelativeNorm: blockScores.map((_, k) => blockNorm(onFailing, k)),
    passingRelativeNorm: blockScores.map((_, k) => blockNorm(onPassing, k)),
  };
}

import * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../data/dataset';
import { yieldToEventLoop, type CancelToken } from '../progress';
import { batchRanges, batchTensors } from './batches';
import type { InstrumentedModel } from './instrumented';
import { crossEntropySum } from './loss';

/** Number of scalar parameters in each block (|W_k|). */
export function blockParamCounts(model: Pick<InstrumentedModel, 'numBlocks' | 'blockWeights'>): number[] {
  return Array.from({ length: model.numBlocks }, (_, k) => model.blockWeights(k).reduce((n, v) => n + v.size, 0));
}

/**
 * Gradients of the group's mean cross-entropy for every block's weights, grouped by block
 * (one backward pass over the union of all blocks' weights, explicit variable list); null when
 * no block has weights. Call inside tf.tidy: the gradients are the caller's to reduce.
 */
export function blockGradients(model: InstrumentedModel, x: tf.Tensor4D, y: tf.Tensor1D): tf.Tensor[][] | null {
  const perBlock = Array.from({ length: model.numBlocks }, (_, k) => model.blockWeights(k));
  const all = perBlock.flat();
  if (all.length === 0) return null;
  const { grads } = tf.variableGrads(() => tf.div(crossEntropySum(model.predict(x), y, model.outputKind), x.shape[0]) as tf.Scalar, all);
  return perBlock.map((vars) => vars.map((v) => grads[v.name]));
}

/** ‖∇W_k L‖₁ per block for one group of examples, where L is the mean cross-entropy of the group: a [numBlocks] tensor. */
export function groupGradientL1(model: InstrumentedModel, x: tf.Tensor4D, y: tf.Tensor1D): tf.Tensor1D {
  return tf.tidy(() => {
    const grads = blockGradients(model, x, y);
    if (!grads) return tf.zeros([model.numBlocks]) as tf.Tensor1D;
    return tf.stack(grads.map((gs) => (gs.length ? tf.addN(gs.map((g) => tf.sum(tf.abs(g)))) : tf.scalar(0)))) as tf.Tensor1D;
  });
}

/**
 * Example-weighted mean over `ds` of a per-group vector: `perGroup` gets each group of
 * `groupSize` consecutive examples as tensors and returns a [width] tensor (disposed here).
 * Reports examples done; yields to the event loop every 8 groups.
 */
export async function meanOverGroups(ds: Dataset, groupSize: number, width: number, perGroup: (x: tf.Tensor4D, y: tf.Tensor1D) => tf.Tensor1D, cancel?: CancelToken, report?: (done: number) => void): Promise<number[]> {
  const totals = new Float64Array(width);
  let groups = 0;
  for (const [start, end] of batchRanges(ds.count, groupSize)) {
    cancel?.throwIfCancelled('backward spectrum');
    const vector = tf.tidy(() => {
      const { x, y } = batchTensors(ds, start, end);
      return perGroup(x, y);
    });
    try {
      const values = await vector.data();
      for (let i = 0; i < width; i++) totals[i] += values[i] * (end - start);
    } finally {
      vector.dispose();
    }
    report?.(end);
    if (++groups % 8 === 0) await yieldToEventLoop();
  }
  return Array.from(totals, (t) => (ds.count > 0 ? t / ds.count : 0));
}

/**
 * The legacy backward spectrum (DESIGN §3 step 3, first reconstruction): G_k = mean over the
 * failing examples of ‖∇W_k L‖₁ / |W_k|. With `groupSize` 1 this is exactly the per-example
 * mean; a larger group takes the gradient of the group's mean loss (fewer backward passes, and
 * a lower bound, since per-example gradients can cancel inside a group).
 */
export async function backwardSpectrum(model: InstrumentedModel, failing: Dataset, groupSize: number, cancel?: CancelToken, report?: (done: number) => void): Promise<number[]> {
  const params = blockParamCounts(model);
  const means = await meanOverGroups(failing, groupSize, model.numBlocks, (x, y) => groupGradientL1(model, x, y), cancel, report);
  return means.map((m, k) => (params[k] > 0 ? m / params[k] : 0));
}

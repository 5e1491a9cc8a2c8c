/**
 * Prefix caching on vs off. The engine only has the cached path, so both variants run here in
 * one hand-written DARTS first-order loop (the same steps as bilevel.ts: α Adam step on an S_α
 * batch, then a clipped SGD step of the cell weights on an S_w batch). "On" feeds cached block
 * inputs; "off" feeds raw images and runs the frozen prefix inside the loss, for every batch.
 */
import * as tf from '@tensorflow/tfjs';
import { createRng, shuffled } from '../src/core/random';
import { createArchitect, weightGrads, type UnrollContext } from '../src/core/search/architect';
import { disposeBatch, gatherBatch, type Batch, type Split } from '../src/core/search/batches';
import { createCell, edgeCount } from '../src/core/search/cell';
import { createSgd, globalNormClipScale } from '../src/core/search/optimizers';
import { DARTS_HYPERPARAMETERS, PRESETS, type PresetName } from '../src/core/search/presets';
import type { PreparedBlock, WorkloadSpec } from './workload';

/** Epoch times of both variants and the ratio. */
export interface CachingResult {
  preset: PresetName;
  blockName: string;
  epochs: number;
  cachedEpochMs: number;
  uncachedEpochMs: number;
  /** One-off cost of caching the three splits (paid once per search). */
  cacheMs: number;
  /** uncached / cached epoch time. */
  speedup: number;
}

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

/** One variant's training loop; `epoch()` runs one epoch and resolves to its wall time (ms). */
function createLoop(block: PreparedBlock, preset: PresetName, cached: boolean, spec: WorkloadSpec): { epoch(): Promise<number>; dispose(): void } {
  const { steps, ops } = PRESETS[preset];
  const [h, w, c] = block.blockInputShape;
  const rng = createRng(spec.seed);
  const cell = createCell({ inputShape: [h, w, c], outputChannels: block.blockOutputShape[2], stride: block.stride, steps, ops, residual: true }, rng);
  const data: { weights: Split; alpha: Split } = cached ? { weights: block.data.weights, alpha: block.data.alpha } : block.images;
  const toBlockInput = (x: tf.Tensor4D): tf.Tensor4D => (cached ? x : (block.split.prefix(x) as tf.Tensor4D));
  const loss = (batch: Batch, alpha: tf.Tensor2D, training: boolean): tf.Scalar =>
    tf.tidy(() => {
      const logits = block.suffix(cell.apply(toBlockInput(batch.x), tf.softmax(alpha), training));
      return tf.losses.softmaxCrossEntropy(tf.oneHot(batch.labels, logits.shape[1] ?? 1), logits) as tf.Scalar;
    });
  const hp = DARTS_HYPERPARAMETERS;
  const architect = createArchitect<Batch>([edgeCount(steps), ops.length], hp.alpha, 'first', rng, loss);
  const sgd = createSgd(cell.variables, hp.weights);
  const unroll = (): UnrollContext => ({ weights: cell.variables, momentumBuffers: sgd.slots, learningRate: sgd.learningRate, momentum: hp.weights.momentum, weightDecay: hp.weights.weightDecay });
  const n = data.weights.shape[0];
  const batches = Math.max(1, Math.floor(n / spec.batchSize));
  return {
    async epoch() {
      const started = performance.now();
      const wOrder = shuffled(range(n), rng);
      const aOrder = shuffled(range(data.alpha.shape[0]), rng);
      let sums = tf.zeros([2]);
      for (let b = 0; b < batches; b++) {
        const slice = (order: number[]) => order.slice(b * spec.batchSize, (b + 1) * spec.batchSize);
        const a = gatherBatch(data.alpha, slice(aOrder));
        const wb = gatherBatch(data.weights, slice(wOrder));
        const lossAlpha = architect.step(a, wb, unroll());
        const { value, grads } = weightGrads(() => loss(wb, architect.alpha as tf.Tensor as tf.Tensor2D, true), cell.variables);
        const scale = globalNormClipScale(grads, hp.weights.gradClipNorm);
        sgd.apply(grads, scale);
        const next = tf.tidy(() => sums.add(tf.stack([lossAlpha, value])));
        tf.dispose([sums, lossAlpha, value, ...grads, scale]);
        disposeBatch(a);
        disposeBatch(wb);
        sums = next;
      }
      // One read per epoch, as the engine does.
      await sums.data();
      sums.dispose();
      return performance.now() - started;
    },
    dispose() {
      sgd.dispose();
      architect.dispose();
      cell.dispose();
    },
  };
}

/**
 * One warm-up epoch of each variant, then `epochs` rounds alternating cached and uncached
 * epochs; each variant's fastest epoch counts (on a shared machine, load spikes only slow down).
 */
export async function measureCaching(block: PreparedBlock, preset: PresetName, epochs: number, spec: WorkloadSpec): Promise<CachingResult> {
  const on = createLoop(block, preset, true, spec);
  const off = createLoop(block, preset, false, spec);
  try {
    await on.epoch();
    await off.epoch();
    const times = { on: [] as number[], off: [] as number[] };
    for (let r = 0; r < epochs; r++) {
      times.on.push(await on.epoch());
      times.off.push(await off.epoch());
    }
    return report(block, preset, epochs, Math.min(...times.on), Math.min(...times.off));
  } finally {
    on.dispose();
    off.dispose();
  }
}

function report(block: PreparedBlock, preset: PresetName, epochs: number, cachedEpochMs: number, uncachedEpochMs: number): CachingResult {
  return { preset, blockName: block.blockName, epochs, cachedEpochMs, uncachedEpochMs, cacheMs: block.cacheMs, speedup: uncachedEpochMs / cachedEpochMs };
}

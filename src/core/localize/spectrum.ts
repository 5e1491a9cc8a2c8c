import * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../data/dataset';
import { yieldToEventLoop, type CancelToken } from '../progress';
import type { SuspiciousnessFormula } from '../types';
import { batchRanges, batchTensors } from './batches';
import { FORMULAS, type SpectrumCounts } from './formulas';
import type { InstrumentedModel } from './instrumented';

/** One block's "neuron" values: the spatial mean of each output channel, row-major [examples × channels]. */
export interface ActivationMatrix {
  channels: number;
  values: Float32Array;
}

/** What one forward pass over a dataset records: per-block activations and the predicted class per example. */
export interface ForwardRecord {
  activations: ActivationMatrix[];
  predictions: Int32Array;
}

/** The forward term per block, plus the per-neuron detail behind it. */
export interface ForwardSpectrum {
  /** S_k: mean neuron suspiciousness of block k. */
  blockScores: number[];
  /** Per block, per channel: suspiciousness score. */
  neuronScores: number[][];
  /** Per block, per channel: the activation threshold τ used. */
  thresholds: number[][];
}

/** [N, H, W, C] → [N, C] spatial means; [N, units] passes through (each unit is a neuron). */
export function channelMeans(blockOutput: tf.Tensor): tf.Tensor2D {
  return tf.tidy(() => {
    const rank = blockOutput.rank;
    if (rank === 2) return blockOutput.clone() as tf.Tensor2D;
    const spatial = Array.from({ length: rank - 2 }, (_, i) => i + 1);
    return tf.mean(blockOutput, spatial) as tf.Tensor2D;
  });
}

/** One inference pass over `ds` in batches: channel means of every block output and the argmax class. */
export async function recordForward(model: InstrumentedModel, ds: Dataset, batchSize: number, cancel?: CancelToken, report?: (done: number) => void): Promise<ForwardRecord> {
  const chunks: Float32Array[][] = Array.from({ length: model.numBlocks }, () => []);
  const channels = new Array<number>(model.numBlocks).fill(0);
  const predictions = new Int32Array(ds.count);
  for (const [start, end] of batchRanges(ds.count, batchSize)) {
    cancel?.throwIfCancelled('forward spectrum');
    const outs = tf.tidy(() => {
      const { x } = batchTensors(ds, start, end);
      const { output, blockOutputs } = model.forward(x);
      return { predicted: tf.argMax(output, 1), means: blockOutputs.map(channelMeans) };
    });
    try {
      predictions.set(await outs.predicted.data(), start);
      for (let k = 0; k < model.numBlocks; k++) {
        channels[k] = outs.means[k].shape[1];
        chunks[k].push((await outs.means[k].data()) as Float32Array);
      }
    } finally {
      tf.dispose([outs.predicted, ...outs.means]);
    }
    report?.(end);
    await yieldToEventLoop();
  }
  const activations = chunks.map((parts, k) => {
    const values = new Float32Array(ds.count * channels[k]);
    let at = 0;
    for (const p of parts) {
      values.set(p, at);
      at += p.length;
    }
    return { channels: channels[k], values };
  });
  return { activations, predictions };
}

function median(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = values.slice().sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Per-channel threshold τ: the channel's median over the passing runs (over all runs when there
 * is no passing run), so about half the passing runs count as activated; or 0 when `useZero`
 * (the legacy rule for a block whose output is ≥ 0 after ReLU: "activated" = fired at all,
 * which every live channel does on nearly every input, so its score saturates).
 */
export function thresholds(matrix: ActivationMatrix, isFailing: readonly boolean[], useZero: boolean): number[] {
  const { channels, values } = matrix;
  if (useZero) return new Array<number>(channels).fill(0);
  const hasPassing = isFailing.some((f) => !f);
  return Array.from({ length: channels }, (_, c) => {
    const column: number[] = [];
    isFailing.forEach((failing, n) => {
      if (!hasPassing || !failing) column.push(values[n * channels + c]);
    });
    return median(column);
  });
}

/** Hit-spectrum counts per channel: activated = value > τ, split by failing / passing run. */
export function spectrumCounts(matrix: ActivationMatrix, isFailing: readonly boolean[], tau: readonly number[]): SpectrumCounts[] {
  const { channels, values } = matrix;
  const counts = Array.from({ length: channels }, () => ({ activeFailing: 0, activeSuccessful: 0, inactiveFailing: 0, inactiveSuccessful: 0 }));
  isFailing.forEach((failing, n) => {
    for (let c = 0; c < channels; c++) {
      const active = values[n * channels + c] > tau[c];
      const k = counts[c];
      if (active && failing) k.activeFailing++;
      else if (active) k.activeSuccessful++;
      else if (failing) k.inactiveFailing++;
      else k.inactiveSuccessful++;
    }
  });
  return counts;
}

/**
 * The forward spectrum (DESIGN §3 step 2): S_k = mean over block k's channels of formula(counts),
 * with τ = 0 in the blocks where `zeroThreshold[k]` and the passing-run median elsewhere.
 */
export function forwardSpectrum(activations: readonly ActivationMatrix[], isFailing: readonly boolean[], zeroThreshold: readonly boolean[], formula: SuspiciousnessFormula): ForwardSpectrum {
  const score = FORMULAS[formula];
  const tauPerBlock = activations.map((m, k) => thresholds(m, isFailing, zeroThreshold[k]));
  const neuronScores = activations.map((m, k) => spectrumCounts(m, isFailing, tauPerBlock[k]).map(score));
  const blockScores = neuronScores.map((s) => (s.length ? s.reduce((a, b) => a + b, 0) / s.length : 0));
  return { blockScores, neuronScores, thresholds: tauPerBlock };
}

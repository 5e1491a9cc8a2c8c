import type { EpochMetrics } from '../../../../src/core/types';
import * as tf from '@tensorflow/tfjs';
import { createRng } from '../../../../src/core/random';
import type { SearchData, Split, Suffix } from '../../../../src/core/search/bilevel';

export const CLASSES = 3;

/**
 * Synthetic cached block inputs [n, size, size, channels]: class k lights up channel k in
 * one quadrant, plus noise. Learnable by the cell through a fixed suffix.
 */
export function syntheticSplit(n: number, seed: number, size = 6, channels = 4, failureEvery = 2): Split {
  const rng = createRng(seed);
  const inputs = new Float32Array(n * size * size * channels);
  const labels = new Int32Array(n);
  const isFailure = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const label = rng.int(CLASSES);
    labels[i] = label;
    isFailure[i] = i % failureEvery === 0 ? 1 : 0;
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        for (let c = 0; c < channels; c++) {
          const lit = c === label && y < size / 2 === (label % 2 === 0) ? 1 : 0;
          inputs[((i * size + y) * size + x) * channels + c] = lit + 0.3 * rng.normal();
        }
      }
    }
  }
  return { inputs, shape: [n, size, size, channels], labels, isFailure };
}

export function syntheticData(n = 16, size = 4, channels = 3): SearchData {
  return {
    weights: syntheticSplit(n, 1, size, channels),
    alpha: syntheticSplit(n, 2, size, channels),
    validation: syntheticSplit(8, 3, size, channels),
    adversarial: syntheticSplit(8, 4, size, channels),
  };
}

/** A frozen suffix: global average pool, then fixed random dense [channels → CLASSES]. */
export function fixedSuffix(channels: number, seed = 9): { suffix: Suffix; kernel: tf.Variable; dispose: () => void } {
  const rng = createRng(seed);
  const initial = tf.tensor2d(Float32Array.from({ length: channels * CLASSES }, () => rng.normal()), [channels, CLASSES]);
  const kernel = tf.variable(initial, true);
  initial.dispose();
  return {
    suffix: (blockOut) => tf.matMul(tf.mean(blockOut, [1, 2]), kernel as tf.Tensor as tf.Tensor2D),
    kernel,
    dispose: () => kernel.dispose(),
  };
}

/** The small search both bilevel test files run: lite space, 4 → 4 channels, stride 2. */
export const SEARCH_BASE = { preset: 'lite', outputChannels: 4, stride: 2, batchSize: 8, epochs: 20, seed: 3 } as const;

/** Everything an epoch reports except wall time (for exact comparisons). */
export const comparable = ({ wallMs: _w, samplesPerSecond: _s, ...rest }: EpochMetrics) => rest;

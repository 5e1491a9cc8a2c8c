import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { channelMeans, forwardSpectrum, spectrumCounts, thresholds, type ActivationMatrix } from '../../../../src/core/localize/spectrum';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

// 4 runs × 2 channels; runs 0 and 1 fail. Channel 0 is high on failures only; channel 1 on everything.
const matrix: ActivationMatrix = { channels: 2, values: new Float32Array([0.9, 0.5, 0.8, 0.6, 0.1, 0.7, 0.2, 0.4]) };
const isFailing = [true, true, false, false];

describe('forward spectrum', () => {
  it('τ is 0 after ReLU, else the median over passing runs', () => {
    expect(thresholds(matrix, isFailing, true)).toEqual([0, 0]);
    const tau = thresholds(matrix, isFailing, false);
    expect(tau[0]).toBeCloseTo((0.1 + 0.2) / 2, 6);
    expect(tau[1]).toBeCloseTo((0.7 + 0.4) / 2, 6);
  });

  it('falls back to the median over all runs when nothing passes', () => {
    expect(thresholds(matrix, [true, true, true, true], false)[0]).toBeCloseTo((0.2 + 0.8) / 2, 6);
  });

  it('counts activated = value > τ per run outcome', () => {
    const [c0, c1] = spectrumCounts(matrix, isFailing, [0.15, 0.55]);
    expect(c0).toEqual({ activeFailing: 2, activeSuccessful: 1, inactiveFailing: 0, inactiveSuccessful: 1 });
    expect(c1).toEqual({ activeFailing: 1, activeSuccessful: 1, inactiveFailing: 1, inactiveSuccessful: 1 });
  });

  it('S_k is the mean neuron score of the block', () => {
    const spectrum = forwardSpectrum([matrix, matrix], isFailing, [false, true], 'ochiai');
    // Block 0 (median τ = [0.15, 0.55]): channel 0 → 2/sqrt(2·3), channel 1 → 1/sqrt(2·2)
    expect(spectrum.neuronScores[0][0]).toBeCloseTo(2 / Math.sqrt(6), 6);
    expect(spectrum.blockScores[0]).toBeCloseTo((2 / Math.sqrt(6) + 0.5) / 2, 6);
    // Block 1 (τ = 0): every channel active on all 4 runs → 2/sqrt(2·4)
    expect(spectrum.blockScores[1]).toBeCloseTo(2 / Math.sqrt(8), 6);
  });

  it('channel means average over space and pass dense units through', async () => {
    const before = tf.memory().numTensors;
    const x = tf.tensor4d([1, 2, 3, 4, 5, 6, 7, 8], [1, 2, 2, 2]);
    const dense = tf.tensor2d([1, -2], [1, 2]);
    const [a, b] = [channelMeans(x), channelMeans(dense)];
    expect(Array.from(await a.data())).toEqual([4, 5]);
    expect(Array.from(await b.data())).toEqual([1, -2]);
    tf.dispose([x, dense, a, b]);
    expect(tf.memory().numTensors).toBe(before);
  });
});

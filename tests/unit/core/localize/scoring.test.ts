import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { instrumentLayersModel } from '../../../../src/core/localize/instrumented';
import { localize } from '../../../../src/core/localize/localize';
import { backwardRunCount, zeroThresholdBlocks } from '../../../../src/core/localize/scoring';
import { chainGraph, quadrantData, tinyCnn, TINY_BLOCKS, train } from './fixtures';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('scoring', () => {
  it('uses τ = 0 only for legacy scoring of ReLU blocks, and the backward term needs passing runs only when contrastive', () => {
    expect(zeroThresholdBlocks('legacy', [true, false, true])).toEqual([true, false, true]);
    expect(zeroThresholdBlocks('contrastive', [true, false, true])).toEqual([false, false, false]);
    expect(zeroThresholdBlocks('rgn', [true, false, true])).toEqual([false, false, false]);
    expect(backwardRunCount('legacy', [true, false, false])).toBe(1);
    expect(backwardRunCount('rgn', [true, false, false])).toBe(1);
    expect(backwardRunCount('contrastive', [true, false, false])).toBe(3);
  });

  it('the contrastive forward term is not saturated on ReLU blocks', async () => {
    const model = tinyCnn(5);
    train(model, quadrantData(256, 3), 30);
    const inst = instrumentLayersModel(model, chainGraph(model, TINY_BLOCKS));
    const ds = quadrantData(64, 11);
    const legacy = await localize(inst, ds, { scoring: 'legacy' });
    // 'rgn' shares this forward term; pinned to 'contrastive' so the test keeps its old subject.
    const contrastive = await localize(inst, ds, { scoring: 'contrastive' });
    const runs = (r: typeof legacy) => r.counts.failing + r.counts.adversarialFailing;
    const all = (r: typeof legacy) => runs(r) + r.counts.passing + r.counts.adversarialPassing;
    // With τ = 0 every live ReLU channel fires on every run: Ochiai = sqrt(|F| / (|F| + |P|)) for all of them.
    const saturated = Math.sqrt(runs(legacy) / all(legacy));
    for (const k of [0, 1, 2]) {
      expect(inst.nonNegativeOutputs[k]).toBe(true);
      const live = legacy.neuronScores[k].filter((s) => s > 0);
      expect(live.length).toBeGreaterThan(1);
      live.forEach((s) => expect(s).toBeCloseTo(saturated, 6));
      // A passing-run median per channel: thresholds above 0 and scores that tell the channels apart.
      expect(contrastive.thresholds[k].filter((t) => t > 0).length).toBeGreaterThan(1);
      const scores = contrastive.neuronScores[k].filter((s) => s > 0);
      expect(Math.max(...scores) - Math.min(...scores)).toBeGreaterThan(0.02);
    }
    model.dispose();
  });
});

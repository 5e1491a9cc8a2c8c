import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { RepairSession } from '../../../../src/core/repair/session';
import { runBaseline, baselineEpochs, BASELINE_NAMES } from '../../../../src/core/repair/baselines';
import { joinSplits } from '../../../../src/core/repair/derive-model';
import { CANDIDATE_MIXES } from '../../../../src/core/repair/selection';
import { blockGraphFromTopology } from '../../../../src/core/model/block-graph';
import type { Json } from '../../../../src/core/model/topology';
import { installTrainingSupport } from '../../../../src/core/tfjs/install';
import { quadrantData, tinyCnn } from '../localize/fixtures';

beforeAll(async () => {
  installTrainingSupport();
  await tf.setBackend('cpu');
});

describe('fair baselines', () => {
  it('every method trains on the same D_repair, is chosen on the same validation sets by the same rule', async () => {
    const model = tinyCnn(5, 'softmax');
    const graph = blockGraphFromTopology(model.toJSON(null, false) as unknown as Json, 'tiny');
    const train = quadrantData(120, 9, 'train');
    const session = new RepairSession(model, graph, quadrantData(200, 5), {
      seed: 5,
      corruption: 'gaussian_noise',
      workingSize: 200,
      failureCap: 30,
      localize: { batchSize: 32, gradientGroupSize: 8 },
      search: { preset: 'lite', epochs: 1, batchSize: 16, order: 'first', alphaLearningRate: 0.02, alphaWarmupEpochs: 0, weightLearningRate: 0.025 },
      finetune: { epochs: 1, batchSize: 16, learningRate: 1e-3, scope: 'block', networkRate: 1 },
    }, train);
    await session.collectFailures();
    session.chooseBlock(graph.blocks.findIndex((b) => b.stride === 2));
    await session.startSearch();
    const shared = await session.selectionData();
    const cached = session.cachedData!;
    const blockTrain = joinSplits(cached.weights, cached.alpha);
    // The baselines' images and ArchRepair's block inputs are the same examples, in the same order.
    expect(Array.from(shared.images.train.labels)).toEqual(Array.from(blockTrain.labels));
    expect(Array.from(shared.images.train.isFailure!)).toEqual(Array.from(blockTrain.isFailure!));
    expect(Array.from(shared.images.train.teacher!.mask)).toEqual(Array.from(blockTrain.teacher!.mask));
    expect(shared.images.train.teacher!.probabilities).toEqual(blockTrain.teacher!.probabilities);
    // Clean training images are part of it, next to the failures.
    const counts = { failures: 0, clean: 0 };
    shared.images.train.isFailure!.forEach((f) => (f ? counts.failures++ : counts.clean++));
    expect(counts.failures).toBeGreaterThan(1);
    expect(counts.clean).toBeGreaterThanOrEqual(counts.failures);
    expect(Array.from(shared.images.validation.clean.labels)).toEqual(Array.from(cached.validation.labels));
    expect(Array.from(shared.images.validation.drift.labels)).toEqual(Array.from(cached.drift!.labels));
    await session.searchEpoch();
    const derived = await session.derive();
    for (const name of BASELINE_NAMES) {
      const outcome = await runBaseline(name, session);
      expect(outcome.selection.original).toEqual(derived.selection.original);
      expect(outcome.selection.tolerance).toBe(derived.selection.tolerance);
      // Weight baselines take ArchRepair's weight steps: one search epoch steps through S_w (half of D_repair).
      const epochs = name === 'random-genotype' ? session.config.finetune.epochs : baselineEpochs(session.config);
      expect(outcome.selection.candidates).toHaveLength(epochs * CANDIDATE_MIXES.length);
      outcome.dispose();
    }
    session.dispose();
    model.dispose();
  });
});

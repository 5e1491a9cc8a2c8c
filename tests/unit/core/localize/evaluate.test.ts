import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { CancelledError, LabError } from '../../../../src/core/errors';
import { evaluateLocalizers } from '../../../../src/core/localize/evaluate';
import { instrumentLayersModel } from '../../../../src/core/localize/instrumented';
import { spearman } from '../../../../src/core/localize/spearman';
import { CancelToken } from '../../../../src/core/progress';
import { brokenBlockModel, speckData } from './fixtures';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

async function weightValues(model: tf.LayersModel): Promise<number[][]> {
  return Promise.all(model.getWeights().map(async (w) => Array.from(await w.data())));
}

describe('evaluateLocalizers (RQ3 in small)', () => {
  it('fine-tunes each block, restores the weights and correlates every localizer with the gains', async () => {
    const { model, graph } = brokenBlockModel('rq3');
    const inst = instrumentLayersModel(model, graph);
    const ds = speckData(20, 20, 20, 3);
    const weightsBefore = await weightValues(model);
    const before = tf.memory().numTensors;
    // Pinned to 'contrastive' (the default is 'rgn'): this is the contrastive term's known answer
    // (localize.test.ts explains why the fixture's block-level answer suits legacy and rgn).
    const evaluation = await evaluateLocalizers(inst, ds, { steps: 20, learningRate: 0.01, localize: { scoring: 'contrastive' }, compareScorings: ['legacy', 'rgn'] });
    expect(tf.memory().numTensors).toBe(before);
    expect(await weightValues(model)).toEqual(weightsBefore);

    expect(evaluation.counts).toEqual({ repair: 30, repairFailing: 10, heldOut: 30 });
    expect(evaluation.gains.map((g) => g.blockIndex)).toEqual([0, 1, 2, 3]);
    // Tuning the broken block repairs every failing repair example; the head cannot, in this budget.
    expect(evaluation.gains[1].gainFailures).toBe(1);
    expect(evaluation.gains[1].gainHeldOut).toBeGreaterThan(evaluation.gains[3].gainHeldOut);
    for (const g of evaluation.gains) expect(g.gainHeldOut).toBeCloseTo(g.heldOutAfter - g.heldOutBefore, 12);

    expect(evaluation.correlations.map((c) => c.method)).toEqual(['combined', 'gradient', 'activation', 'random']);
    const combined = evaluation.correlations[0];
    // Fine-tuning block 0, 1 or 2 alone repairs every failure here (block 0 can stop feeding the
    // speck channel): the contrastive top block must be one of them, the legacy one the broken block.
    expect(evaluation.gains[combined.topBlock].gainFailures).toBe(1);
    expect(evaluation.gains[combined.topBlock].gainHeldOut).toBe(Math.max(...evaluation.gains.map((g) => g.gainHeldOut)));
    expect(evaluation.scoringComparisons.map((c) => c.scoring)).toEqual(['legacy', 'rgn']);
    const [legacy, rgn] = evaluation.scoringComparisons;
    expect(legacy.correlations[0].topBlock).toBe(1);
    expect(rgn.correlations[0].topBlock).toBe(1);
    // rgn and contrastive share the forward term, not the backward one.
    expect(rgn.terms.forward).toEqual(evaluation.localization.terms.forward);
    expect(rgn.terms.backward).not.toEqual(evaluation.localization.terms.backward);
    expect(legacy.terms.backward).not.toEqual(evaluation.localization.terms.backward);
    expect(combined.spearmanHeldOut).toBeCloseTo(spearman(combined.scores, evaluation.gains.map((g) => g.gainHeldOut)) as number, 12);
    for (const c of evaluation.correlations) for (const rho of [c.spearmanFailures, c.spearmanHeldOut]) if (rho !== null) expect(Math.abs(rho)).toBeLessThanOrEqual(1 + 1e-12);
    model.dispose();
  });

  it('restores the weights when cancelled mid fine-tune', async () => {
    const { model, graph } = brokenBlockModel('rq3cancel');
    const inst = instrumentLayersModel(model, graph);
    const weightsBefore = await weightValues(model);
    const before = tf.memory().numTensors;
    const token = new CancelToken();
    const run = evaluateLocalizers(inst, speckData(10, 10, 10, 4), { steps: 5 }, token, (p) => {
      if (p.phase === 'fine-tune blocks') token.cancel();
    });
    await expect(run).rejects.toBeInstanceOf(CancelledError);
    expect(tf.memory().numTensors).toBe(before);
    expect(await weightValues(model)).toEqual(weightsBefore);
    model.dispose();
  });

  it('rejects bad settings', async () => {
    const { model, graph } = brokenBlockModel('rq3bad');
    const inst = instrumentLayersModel(model, graph);
    await expect(evaluateLocalizers(inst, speckData(4, 4, 4, 1), { steps: 0 })).rejects.toThrow(LabError);
    await expect(evaluateLocalizers(inst, speckData(4, 4, 4, 1), { heldOutFraction: 1 })).rejects.toThrow(/heldOutFraction/);
    await expect(evaluateLocalizers(inst, speckData(4, 4, 4, 1), { compareScorings: ['newest' as never] })).rejects.toThrow(/compareScorings/);
    model.dispose();
  });
});

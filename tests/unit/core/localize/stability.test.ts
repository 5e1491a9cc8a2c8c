import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { LabError } from '../../../../src/core/errors';
import { instrumentLayersModel } from '../../../../src/core/localize/instrumented';
import { localizationStability } from '../../../../src/core/localize/stability';
import { brokenBlockModel, chainGraph, quadrantData, speckData, tinyCnn, TINY_BLOCKS } from './fixtures';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('localizationStability', () => {
  // Legacy scoring: the fixture's known answer is built for it (see localize.test.ts).
  it('keeps the broken block on top even with 2 failures', async () => {
    const { model, graph } = brokenBlockModel('stab', 2);
    const inst = instrumentLayersModel(model, graph);
    const before = tf.memory().numTensors;
    const report = await localizationStability(inst, speckData(10, 10, 12, 5), { sizes: [2, 5, 50], repeats: 2, localize: { scoring: 'legacy' } });
    expect(tf.memory().numTensors).toBe(before);
    expect(report.allFailures).toBe(12);
    expect(report.referenceTop).toBe(2);
    // 50 > 12 failures: skipped; the last row is "all".
    expect(report.rows.map((r) => r.failures)).toEqual([2, 5, 12]);
    expect(report.rows.map((r) => r.agreement)).toEqual([1, 1, 1]);
    expect(report.rows[0].topBlocks).toEqual([2, 2]);
    model.dispose();
  });

  it('is deterministic for a seed and reports the share of agreeing repeats', async () => {
    const model = tinyCnn(41);
    const inst = instrumentLayersModel(model, chainGraph(model, TINY_BLOCKS));
    const ds = quadrantData(30, 6);
    const a = await localizationStability(inst, ds, { sizes: [3], repeats: 3, seed: 2, localize: { gradientGroupSize: 8 } });
    const b = await localizationStability(inst, ds, { sizes: [3], repeats: 3, seed: 2, localize: { gradientGroupSize: 8 } });
    expect(a).toEqual(b);
    const row = a.rows[0];
    expect(row.agreement).toBeCloseTo(row.topBlocks.filter((t) => t === a.referenceTop).length / 3, 12);
    model.dispose();
  });

  it('rejects bad settings', async () => {
    const { model, graph } = brokenBlockModel('stabbad');
    const inst = instrumentLayersModel(model, graph);
    await expect(localizationStability(inst, speckData(2, 2, 2, 1), { repeats: 0 })).rejects.toThrow(LabError);
    model.dispose();
  });
});

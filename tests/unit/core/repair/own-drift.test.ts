import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { RepairSession } from '../../../../src/core/repair/session';
import { evaluationSets } from '../../../../src/core/repair/pipeline';
import { corruptDataset } from '../../../../src/core/data/corruptions';
import { blockGraphFromTopology } from '../../../../src/core/model/block-graph';
import type { Json } from '../../../../src/core/model/topology';
import { installTrainingSupport } from '../../../../src/core/tfjs/install';
import { quadrantData, tinyCnn } from '../localize/fixtures';

beforeAll(async () => {
  installTrainingSupport();
  await tf.setBackend('cpu');
});

describe('a repair for the user\'s own drift set', () => {
  it('collects failures from the drift set\'s repair part and measures drift on its held-out part, unpaired with the clean set', async () => {
    const model = tinyCnn(7, 'softmax');
    const graph = blockGraphFromTopology(model.toJSON(null, false) as unknown as Json, 'tiny');
    const clean = quadrantData(200, 7, 'clean');
    const drift = { ...corruptDataset(quadrantData(150, 99, 'my-drift'), 'gaussian_noise', 4, 3), name: 'my-drift' };
    const config = { corruption: 'none' as const, workingSize: 200, failureCap: 30, localize: { batchSize: 32, gradientGroupSize: 8 } };
    expect(() => new RepairSession(model, graph, clean, { ...config, corruption: 'fog' }, null, drift)).toThrow(/either a corruption/);
    const session = new RepairSession(model, graph, clean, config, null, drift);
    expect(session.corrupted.count).toBe(150);
    expect(session.driftSplit).not.toBe(session.testSplit);
    expect(session.driftSplit.repairPool.length + session.driftSplit.validation.length + session.driftSplit.heldOut.length).toBe(150);
    const f = await session.collectFailures();
    expect(f.corruption).toBe('my-drift');
    expect(f.repairPoolSize).toBe(session.driftSplit.repairPool.length);
    expect(f.heldOutSize).toBe(session.driftSplit.heldOut.length);
    const sets = evaluationSets(session, false);
    expect(sets.map((s) => s.label)).toEqual(['clean', 'my-drift']);
    expect(sets[1].ds.count).toBe(session.driftSplit.heldOut.length);
    expect(Array.from(sets[1].ds.labels)).toEqual(session.driftSplit.heldOut.map((i) => drift.labels[i]));
    expect(sets[0].ds.count).toBe(session.testSplit.heldOut.length);
    session.dispose();
    model.dispose();
  });
});

import { describe, expect, it } from 'vitest';
import { buildRepairSplits, classBalancedSample, splitTestSet } from '../../../../src/core/repair/repair-data';
import { createRng } from '../../../../src/core/random';

const labels = Int32Array.from({ length: 400 }, (_, i) => (i * 7) % 10);

describe('repair data', () => {
  it('splits the test set into disjoint, complete, seeded parts', () => {
    const s = splitTestSet(400, 0.5, 3);
    expect(s.repairPool.length + s.heldOut.length).toBe(400);
    expect(new Set([...s.repairPool, ...s.heldOut]).size).toBe(400);
    expect(splitTestSet(400, 0.5, 3)).toEqual(s);
    expect(splitTestSet(400, 0.5, 4)).not.toEqual(s);
    expect(() => splitTestSet(10, 1, 0)).toThrow(/heldOutFraction/);
  });

  it('samples classes evenly even when one class dominates the candidates', () => {
    const skewed = Int32Array.from({ length: 300 }, (_, i) => (i < 250 ? 0 : 1 + (i % 4)));
    const picked = classBalancedSample(Array.from({ length: 300 }, (_, i) => i), skewed, 40, createRng(1));
    const counts = [0, 0, 0, 0, 0];
    for (const i of picked) counts[skewed[i]]++;
    expect(picked).toHaveLength(40);
    expect(counts).toEqual([8, 8, 8, 8, 8]);
  });

  it('puts failures in both S_w and S_α, keeps validation out of training', () => {
    const { repairPool } = splitTestSet(400, 0.5, 1);
    const failures = repairPool.slice(0, 50);
    const splits = buildRepairSplits(failures, repairPool, labels, { seed: 2, cleanPerFailure: 2, validationFraction: 0.2 });
    expect(splits.weights.filter((e) => e.isFailure).length).toBe(20);
    expect(splits.alpha.filter((e) => e.isFailure).length).toBe(20);
    expect(splits.validationFailures).toHaveLength(10);
    expect(splits.validation).toHaveLength(20);
    expect(splits.validation.every((e) => e.source === 'clean' && !e.isFailure)).toBe(true);
    const key = (e: { index: number; source: string }) => `${e.source}:${e.index}`;
    const train = new Set([...splits.weights, ...splits.alpha].map(key));
    expect([...splits.validation, ...splits.validationFailures].some((e) => train.has(key(e)))).toBe(false);
    expect(splits.weights.every((e) => e.label === labels[e.index])).toBe(true);
  });

  it('refuses a repair without failures, naming the fix', () => {
    expect(() => buildRepairSplits([3], [1, 2, 4], labels)).toThrow(/at least 2/);
  });
});

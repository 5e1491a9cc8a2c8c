import { describe, expect, it } from 'vitest';
import { buildRepairSplits, classBalancedSample, splitTestSet } from '../../../../src/core/repair/repair-data';
import { createRng } from '../../../../src/core/random';

const labels = Int32Array.from({ length: 400 }, (_, i) => (i * 7) % 10);
const trainLabels = Int32Array.from({ length: 1000 }, (_, i) => (i * 3) % 10);

describe('repair data', () => {
  it('splits the working set into disjoint, complete, seeded repair, validation and held-out parts', () => {
    const s = splitTestSet(400, 0.5, 0.2, 3);
    expect(s.repairPool).toHaveLength(120);
    expect(s.validation).toHaveLength(80);
    expect(s.heldOut).toHaveLength(200);
    expect(new Set([...s.repairPool, ...s.validation, ...s.heldOut]).size).toBe(400);
    expect(splitTestSet(400, 0.5, 0.2, 3)).toEqual(s);
    expect(splitTestSet(400, 0.5, 0.2, 4)).not.toEqual(s);
    expect(() => splitTestSet(10, 1, 0.2, 0)).toThrow(/heldOutFraction/);
    expect(() => splitTestSet(10, 0.5, 0.5, 0)).toThrow(/validationFraction/);
  });

  it('samples classes evenly even when one class dominates the candidates', () => {
    const skewed = Int32Array.from({ length: 300 }, (_, i) => (i < 250 ? 0 : 1 + (i % 4)));
    const picked = classBalancedSample(Array.from({ length: 300 }, (_, i) => i), skewed, 40, createRng(1));
    const counts = [0, 0, 0, 0, 0];
    for (const i of picked) counts[skewed[i]]++;
    expect(picked).toHaveLength(40);
    expect(counts).toEqual([8, 8, 8, 8, 8]);
  });

  it('mixes the failures with clean training images in both S_w and S_α', () => {
    const { repairPool } = splitTestSet(400, 0.5, 0.2, 1);
    const failures = repairPool.slice(0, 50);
    const splits = buildRepairSplits(failures, Array.from({ length: 1000 }, (_, i) => i), labels, trainLabels, 'train', { seed: 2, cleanPerFailure: 3 });
    expect(splits.weights.filter((e) => e.isFailure)).toHaveLength(25);
    expect(splits.alpha.filter((e) => e.isFailure)).toHaveLength(25);
    const clean = [...splits.weights, ...splits.alpha].filter((e) => !e.isFailure);
    expect(clean).toHaveLength(150);
    expect(clean.every((e) => e.source === 'train' && e.label === trainLabels[e.index])).toBe(true);
    expect(splits.weights.filter((e) => e.isFailure).every((e) => e.source === 'corrupted' && e.label === labels[e.index])).toBe(true);
  });

  it('refuses a repair without failures, naming the fix', () => {
    expect(() => buildRepairSplits([3], [1, 2, 4], labels, labels, 'clean', { seed: 1, cleanPerFailure: 2 })).toThrow(/at least 2/);
  });
});

import { describe, expect, it } from 'vitest';
import { buildRepairSplits, chooseCleanExamples, classBalancedSample, splitTestSet } from '../../../../src/core/repair/repair-data';
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

  it('pairs the clean versions of the repair pool first, then fills up with class-balanced training images', () => {
    const { repairPool } = splitTestSet(400, 0.5, 0.2, 1);
    const train = { count: trainLabels.length, labels: trainLabels };
    const clean = chooseCleanExamples(repairPool, labels, train, 50, { seed: 2, cleanPerFailure: 4 });
    expect(clean).toHaveLength(200);
    expect(clean.slice(0, repairPool.length).every((e, i) => e.source === 'clean' && e.index === repairPool[i] && e.label === labels[e.index])).toBe(true);
    const fromTrain = clean.filter((e) => e.source === 'train');
    expect(fromTrain).toHaveLength(200 - repairPool.length);
    expect(fromTrain.every((e) => e.label === trainLabels[e.index])).toBe(true);
    expect(chooseCleanExamples(repairPool, labels, null, 50, { seed: 2, cleanPerFailure: 4 })).toHaveLength(repairPool.length);
  });

  it('mixes the failures with the clean examples in both S_w and S_α', () => {
    const { repairPool } = splitTestSet(400, 0.5, 0.2, 1);
    const failures = repairPool.slice(0, 50);
    const clean = chooseCleanExamples(repairPool, labels, { count: trainLabels.length, labels: trainLabels }, failures.length, { seed: 2, cleanPerFailure: 3 });
    const splits = buildRepairSplits(failures, labels, clean, 2);
    expect(splits.weights.filter((e) => e.isFailure)).toHaveLength(25);
    expect(splits.alpha.filter((e) => e.isFailure)).toHaveLength(25);
    expect([...splits.weights, ...splits.alpha].filter((e) => !e.isFailure)).toHaveLength(150);
    expect(splits.weights.filter((e) => e.isFailure).every((e) => e.source === 'corrupted' && e.label === labels[e.index])).toBe(true);
  });

  it('refuses a repair without failures, naming the fix', () => {
    expect(() => buildRepairSplits([3], labels, [], 1)).toThrow(/at least 2/);
  });
});

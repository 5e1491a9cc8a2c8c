import { describe, expect, it } from 'vitest';
import { methodScores, normalizeByMax, rankBlocks, type CombineSettings } from '../../../../src/core/localize/combine';

const settings: CombineSettings = { combination: 'product', lambda: 0.5, seed: 3 };
const terms = { forward: [0.2, 0.4, 0.1], backward: [10, 2, 5] };

describe('combine', () => {
  it('normalises by the maximum and keeps all-zero terms at zero', () => {
    expect(normalizeByMax([1, 2, 4])).toEqual([0.25, 0.5, 1]);
    expect(normalizeByMax([0, 0])).toEqual([0, 0]);
  });

  it('product: V = Ŝ·Ĝ, ranked with every term', () => {
    const scores = rankBlocks(terms, 'combined', settings);
    // Ŝ = [0.5, 1, 0.25], Ĝ = [1, 0.2, 0.5] → V = [0.5, 0.2, 0.125]
    expect(scores.map((s) => s.blockIndex)).toEqual([0, 1, 2]);
    expect(scores.map((s) => s.rank)).toEqual([1, 2, 3]);
    expect(scores[0]).toEqual({ blockIndex: 0, forward: 0.2, backward: 10, forwardNormalized: 0.5, backwardNormalized: 1, combined: 0.5, rank: 1 });
    expect(scores[1].combined).toBeCloseTo(0.2, 12);
  });

  it('weighted sum: V = λŜ + (1 − λ)Ĝ', () => {
    const v = methodScores(terms, 'combined', { ...settings, combination: 'weighted', lambda: 0.25 });
    expect(v[1]).toBeCloseTo(0.25 * 1 + 0.75 * 0.2, 12);
    const forwardOnly = methodScores(terms, 'combined', { ...settings, combination: 'weighted', lambda: 1 });
    expect(forwardOnly).toEqual([0.5, 1, 0.25]);
  });

  it('baselines rank by one term; random is seeded', () => {
    expect(rankBlocks(terms, 'gradient', settings).map((s) => s.blockIndex)).toEqual([0, 2, 1]);
    expect(rankBlocks(terms, 'activation', settings).map((s) => s.blockIndex)).toEqual([1, 0, 2]);
    const a = methodScores(terms, 'random', settings);
    expect(methodScores(terms, 'random', settings)).toEqual(a);
    expect(methodScores(terms, 'random', { ...settings, seed: 4 })).not.toEqual(a);
  });

  it('breaks ties in favour of the earlier block', () => {
    expect(rankBlocks({ forward: [1, 1, 1], backward: [2, 2, 2] }, 'combined', settings).map((s) => s.blockIndex)).toEqual([0, 1, 2]);
  });
});

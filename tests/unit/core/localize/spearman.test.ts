import { describe, expect, it } from 'vitest';
import { averageRanks, pearson, spearman } from '../../../../src/core/localize/spearman';

describe('spearman', () => {
  it('ranks with ties get the mean rank', () => {
    expect(averageRanks([10, 20, 20, 5])).toEqual([2, 3.5, 3.5, 1]);
    expect(averageRanks([1, 1, 1])).toEqual([2, 2, 2]);
  });

  it('is 1 for any increasing relation and −1 for a decreasing one', () => {
    expect(spearman([1, 2, 3, 4], [1, 8, 27, 64])).toBeCloseTo(1, 12);
    expect(spearman([1, 2, 3, 4], [9, 4, 1, 0])).toBeCloseTo(-1, 12);
  });

  it('matches hand-computed values without and with ties', () => {
    // ranks a = [1,2,3,4,5], b = [2,1,4,3,5]: Σd² = 4, ρ = 1 − 6·4 / (5·24) = 0.8
    expect(spearman([1, 2, 3, 4, 5], [2, 1, 4, 3, 5])).toBeCloseTo(0.8, 12);
    // ranks a = [1, 2.5, 2.5, 4], b = [1,2,3,4]: Pearson of the ranks = 4.5 / sqrt(4.5 · 5)
    expect(spearman([1, 2, 2, 3], [1, 2, 3, 4])).toBeCloseTo(4.5 / Math.sqrt(4.5 * 5), 12);
  });

  it('is null when a vector is constant or too short', () => {
    expect(spearman([1, 1, 1], [1, 2, 3])).toBeNull();
    expect(spearman([1], [2])).toBeNull();
    expect(pearson([1, 2], [3, 3])).toBeNull();
    expect(() => pearson([1, 2], [1])).toThrow();
  });
});

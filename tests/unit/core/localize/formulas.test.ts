import { describe, expect, it } from 'vitest';
import { dstar, FORMULAS, ochiai, tarantula, type SpectrumCounts } from '../../../../src/core/localize/formulas';

const counts = (af: number, as: number, nf: number, ns: number): SpectrumCounts => ({ activeFailing: af, activeSuccessful: as, inactiveFailing: nf, inactiveSuccessful: ns });

describe('suspiciousness formulas', () => {
  it('Ochiai matches hand-computed values', () => {
    // 3 / sqrt((3 + 1) * (3 + 6)) = 3 / 6
    expect(ochiai(counts(3, 6, 1, 10))).toBeCloseTo(0.5, 12);
    // 4 / sqrt(4 * 4): active on every failing run and no passing run
    expect(ochiai(counts(4, 0, 0, 9))).toBeCloseTo(1, 12);
    expect(ochiai(counts(2, 2, 2, 2))).toBeCloseTo(2 / Math.sqrt(4 * 4), 12);
  });

  it('Tarantula matches hand-computed values', () => {
    // fail rate 3/4, pass rate 6/16: 0.75 / (0.75 + 0.375) = 2/3
    expect(tarantula(counts(3, 6, 1, 10))).toBeCloseTo(2 / 3, 12);
    expect(tarantula(counts(1, 1, 1, 1))).toBeCloseTo(0.5, 12);
    expect(tarantula(counts(5, 0, 0, 5))).toBe(1);
  });

  it('DStar (star 2) matches hand-computed values', () => {
    // 3² / (6 + 1)
    expect(dstar(counts(3, 6, 1, 10))).toBeCloseTo(9 / 7, 12);
    expect(dstar(counts(4, 2, 2, 0))).toBeCloseTo(16 / 4, 12);
  });

  it('handles empty denominators without NaN or Infinity', () => {
    for (const f of Object.values(FORMULAS)) {
      for (const c of [counts(0, 0, 0, 0), counts(0, 5, 0, 5), counts(0, 0, 3, 0), counts(3, 0, 0, 0)]) {
        expect(Number.isFinite(f(c))).toBe(true);
        expect(f(c)).toBeGreaterThanOrEqual(0);
      }
    }
    expect(ochiai(counts(0, 0, 0, 7))).toBe(0);
    expect(tarantula(counts(0, 0, 0, 0))).toBe(0);
    // A perfect neuron (A_s + N_f = 0) outranks one with the same A_f and a denominator of 1.
    expect(dstar(counts(3, 0, 0, 4))).toBe(18);
    expect(dstar(counts(3, 0, 0, 4))).toBeGreaterThan(dstar(counts(3, 1, 0, 3)));
  });

  it('all three rank a neuron that fires only on failures above one that fires everywhere', () => {
    for (const f of Object.values(FORMULAS)) expect(f(counts(5, 0, 0, 20))).toBeGreaterThan(f(counts(5, 20, 0, 0)));
  });
});

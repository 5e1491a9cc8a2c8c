import { describe, expect, it } from 'vitest';
import { CLEAN_TOLERANCE, HARM_FLAG, HARM_MARGIN_SE, candidateName, chosenCandidate, chosenName, harmsRobustness, isBetterCandidate, isChosen, keepsClean, pairedStandardError, selectCandidate, verdictText, worstHarm } from '../../../../src/core/repair/selection';

const original = { epoch: 0, clean: 0.97, drift: 0.33 };

describe('do-no-harm selection', () => {
  it('keeps the highest drifted accuracy among candidates within 0.5 point of the original on clean data', () => {
    const s = selectCandidate(original, [
      { epoch: 1, clean: 0.969, drift: 0.4 },
      { epoch: 2, clean: 0.96, drift: 0.7 }, // best drift, but breaks the clean bound
      { epoch: 3, clean: 0.966, drift: 0.5 },
    ]);
    expect(s.verdict).toBe('repaired');
    expect(s.chosenEpoch).toBe(3);
    expect(s.tolerance).toBe(CLEAN_TOLERANCE);
    expect(verdictText(s)).toMatch(/^repaired \(epoch 3/);
  });

  it('keeps the original when no candidate improves the drift without breaking the clean bound, and says so', () => {
    const s = selectCandidate(original, [
      { epoch: 1, clean: 0.95, drift: 0.8 },
      { epoch: 2, clean: 0.975, drift: 0.33 }, // no better on the drift than the original
    ]);
    expect(s.verdict).toBe('no-repair');
    expect(s.chosenEpoch).toBe(0);
    expect(verdictText(s)).toMatch(/^no repair found that keeps clean accuracy/);
  });

  it('accepts a candidate exactly at the bound and prefers the earlier of equal candidates', () => {
    const s = selectCandidate(original, [
      { epoch: 1, clean: 0.965, drift: 0.5 },
      { epoch: 2, clean: 0.99, drift: 0.5 },
    ]);
    expect(s.chosenEpoch).toBe(1);
  });
});

describe('robustness guard', () => {
  it('rejects a candidate only when its drop on another corruption exceeds 2 points by more than one standard error', () => {
    expect(HARM_FLAG).toBe(0.02);
    expect(HARM_MARGIN_SE).toBe(1);
    expect(harmsRobustness({ harm: { label: 'fog', drop: 0.05, se: 0.01 } })).toBe(true);
    expect(harmsRobustness({ harm: { label: 'fog', drop: 0.029, se: 0.01 } })).toBe(false); // 2.9 − 1.0 < 2 points: not clear harm
    expect(harmsRobustness({ harm: { label: 'fog', drop: 0.031, se: 0.01 } })).toBe(true);
    expect(harmsRobustness({ harm: { label: 'fog', drop: -0.1, se: 0.01 } })).toBe(false);
    expect(harmsRobustness({})).toBe(false); // not checked
  });

  it('names the corruption with the largest drop less its standard error as the worst', () => {
    const worst = worstHarm([
      { label: 'fog', drop: 0.06, se: 0.05 }, // 1 point beyond its noise
      { label: 'brightness', drop: 0.04, se: 0.005 }, // 3.5 points
      { label: 'contrast', drop: -0.02, se: 0.01 },
    ]);
    expect(worst?.label).toBe('brightness');
    expect(worstHarm([])).toBeUndefined();
  });

  it('passes over a harmful candidate with the best drift for the best one that is not, and says so in the verdict', () => {
    const harmful = { epoch: 2, clean: 0.97, drift: 0.8, harm: { label: 'brightness', drop: 0.12, se: 0.01 } };
    const safe = { epoch: 1, clean: 0.97, drift: 0.6, harm: { label: 'fog', drop: 0.01, se: 0.01 } };
    expect(isBetterCandidate(harmful, original, original)).toBe(false);
    const s = selectCandidate(original, [safe, harmful], CLEAN_TOLERANCE, true);
    expect(s.chosenEpoch).toBe(1);
    expect(verdictText(s)).toMatch(/no other corruption clearly down more than 2\.0 points\)$/);
    // A selection without the guard (switched off in a lesson) does not claim it.
    expect(verdictText(selectCandidate(original, [safe]))).not.toMatch(/other corruption/);
    expect(verdictText(selectCandidate(original, [harmful], CLEAN_TOLERANCE, true))).toMatch(/no other corruption clearly down more than 2\.0 points\); the original model is kept$/);
    expect(selectCandidate(original, [harmful]).verdict).toBe('no-repair');
  });
});

describe('clean bound with validation noise', () => {
  it('counts one paired standard error against a candidate', () => {
    // 1000 images: the candidate fixes 10 and breaks 14 the original got right (−0.4 point).
    const original = Uint8Array.from({ length: 1000 }, (_, i) => (i < 20 ? 0 : 1));
    const candidate = Uint8Array.from(original, (c, i) => (i < 10 ? 1 : i >= 20 && i < 34 ? 0 : c));
    const se = pairedStandardError(candidate, original);
    // d has 10 × (+1), 14 × (−1): var ≈ 24/999, se ≈ 0.0049.
    expect(se).toBeCloseTo(Math.sqrt((24 - 1000 * 0.004 ** 2) / 999 / 1000), 6);
    const ref = { epoch: 0, clean: 0.98, drift: 0.3 };
    const cand = { epoch: 1, clean: 0.976, drift: 0.6 };
    expect(keepsClean(cand, ref)).toBe(true);
    expect(keepsClean({ ...cand, cleanSE: se }, ref)).toBe(false);
    expect(selectCandidate(ref, [{ ...cand, cleanSE: se }]).verdict).toBe('no-repair');
    expect(pairedStandardError(original, original)).toBe(0);
  });
});

describe('blended candidates', () => {
  it('are told apart from their epoch by the mix, in the rule and in their name', () => {
    const ref = { epoch: 0, clean: 0.98, drift: 0.3 };
    const s = selectCandidate(ref, [
      { epoch: 1, mix: 0.5, clean: 0.978, drift: 0.5 },
      { epoch: 1, mix: 1, clean: 0.96, drift: 0.7 }, // the whole epoch breaks the clean bound
    ]);
    expect([s.chosenEpoch, s.chosenMix]).toEqual([1, 0.5]);
    expect(chosenCandidate(s)).toMatchObject({ mix: 0.5, drift: 0.5 });
    expect(s.candidates.filter((c) => isChosen(s, c))).toHaveLength(1);
    expect(chosenName(s)).toBe('epoch 1 at 50 %');
    expect(candidateName({ epoch: 2 })).toBe('epoch 2');
    expect(verdictText(s)).toMatch(/^repaired \(epoch 1 at 50 %: drifted validation 30\.0 ?% → 50\.0 ?%/);
  });
});

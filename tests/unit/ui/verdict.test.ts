import { describe, expect, it } from 'vitest';
import { HARM_FLAG, candidateRows, heldOutBound, heldOutCleanShortfall, repairStanding, chosenCandidate, exportWording, isHarmful, methodVerdict, pointsChange } from '../../../src/ui/verdict';
import { keptSelection, repairedSelection } from './steps/verdict-fixtures';

describe('verdict wording', () => {
  it('writes changes in points with a sign and flags drops over 2 points only', () => {
    expect(pointsChange(0.9, 0.932)).toBe('+3.2');
    expect(pointsChange(0.9, 0.885)).toBe('−1.5');
    expect(pointsChange(0.9, 0.9)).toBe('±0.0');
    expect(HARM_FLAG).toBe(0.02);
    expect(isHarmful(0.9, 0.875)).toBe(true);
    expect(isHarmful(0.9, 0.885)).toBe(false);
    expect(isHarmful(0.9, 0.95)).toBe(false);
  });

  it('lists the original and every candidate with the clean bound and the one kept', () => {
    expect(candidateRows(repairedSelection).map((c) => [c.epoch, c.withinBound, c.isChosen, c.harmful])).toEqual([[0, true, false, false], [1, true, true, false], [2, false, false, false], [3, true, false, true]]);
    expect(candidateRows(keptSelection).map((c) => [c.epoch, c.withinBound, c.isChosen])).toEqual([[0, true, true], [1, false, false], [2, true, false]]);
    expect(chosenCandidate(repairedSelection).epoch).toBe(1);
    expect(chosenCandidate(keptSelection).epoch).toBe(0);
    expect(methodVerdict(keptSelection)).toBe('original kept');
    expect(methodVerdict(repairedSelection)).toBe('repaired (epoch 1)');
    expect(methodVerdict(null)).toBe('–');
  });

  it('never calls an unchanged model repaired in the export', () => {
    const kept = exportWording('no-repair', 'mnist-cnn');
    for (const text of Object.values(kept)) expect(text).not.toMatch(/repaired/i);
    expect(kept.heading).toBe('Download the model (unchanged: no repair found that keeps clean accuracy)');
    expect(kept.base).toBe('mnist-cnn-unchanged');
    const repaired = exportWording('repaired', 'mnist-cnn');
    expect(repaired.heading).toMatch(/repaired/);
    expect(repaired.base).toBe('mnist-cnn-repaired');
    const candidate = exportWording('clean-shortfall', 'mnist-cnn', 0.007);
    for (const text of Object.values(candidate)) expect(text).not.toMatch(/repaired/i);
    expect(candidate.heading).toContain('0.7 points below the original');
    expect(candidate.base).toBe('mnist-cnn-candidate');
  });
});

describe('held-out clean shortfall', () => {
  it('is the drop beyond the tolerance, or null within it', () => {
    expect(heldOutCleanShortfall(0.98, 0.975, 0.005)).toBeNull();
    expect(heldOutCleanShortfall(0.98, 0.99, 0.005)).toBeNull();
    expect(heldOutCleanShortfall(0.98, 0.973, 0.005)).toBeCloseTo(0.007, 9);
  });

  it('keeps the do-no-harm bound when a lesson loosened the selection\'s, and follows a tightened one', () => {
    expect(heldOutBound({ tolerance: 0.2 })).toBe(0.005);
    expect(heldOutBound({ tolerance: 0.001 })).toBe(0.001);
    const rows = (clean: number) => ({ rows: [{ label: 'clean', severity: 0, accuracy: clean, count: 1000 }] });
    const loosened = { ...repairedSelection, tolerance: 0.2 };
    expect(repairStanding(rows(0.98), { ...rows(0.97), selection: loosened })).toEqual({ standing: 'clean-shortfall', shortfall: expect.closeTo(0.01, 9) });
    expect(repairStanding(rows(0.98), { ...rows(0.978), selection: loosened }).standing).toBe('repaired');
  });
});

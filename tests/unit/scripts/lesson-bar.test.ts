import { describe, expect, it } from 'vitest';
import { checkLesson, summaryTable, type ShownRow } from '../../../scripts/lesson-bar';

const row = (label: string, before: number, after: number, isTarget = false): ShownRow => ({ label, severity: label === 'clean' ? 0 : 3, count: 300, isTarget, before, after });

describe('the default lesson’s do-no-harm bar', () => {
  it('passes a repair within every bound, the worst change named', () => {
    const c = checkLesson('mnist-cnn', [row('clean', 0.98, 0.976), row('stripe', 0.33, 0.8, true), row('fog', 0.9, 0.88), row('zigzag', 0.7, 0.71)]);
    expect(c.cleanChange).toBeCloseTo(-0.4);
    expect(c.drift).toEqual({ label: 'stripe', before: 0.33, after: 0.8 });
    expect(c.meanOtherChange).toBeCloseTo(-0.5);
    expect(c.worst.label).toBe('fog');
    expect(c.worst.change).toBeCloseTo(-2);
    expect(c.passes).toEqual({ clean: true, meanOther: true, single: true });
  });

  it('takes exactly 0.5, 1 and 5 points as within the bar, and a hair more as not', () => {
    const edge = checkLesson('m', [row('clean', 0.98, 0.975), row('stripe', 0.3, 0.6, true), row('fog', 0.9, 0.85), row('blur', 0.8, 0.83)]);
    expect(edge.passes).toEqual({ clean: true, meanOther: true, single: true });
    const over = checkLesson('m', [row('clean', 0.98, 0.9749), row('stripe', 0.3, 0.6, true), row('fog', 0.9, 0.8499), row('blur', 0.8, 0.8299)]);
    expect(over.passes).toEqual({ clean: false, meanOther: false, single: false });
  });

  it('counts the target among single drops but not in the others’ mean; no suite gives n/a', () => {
    const c = checkLesson('m', [row('clean', 0.98, 0.98), row('stripe', 0.5, 0.4, true)]);
    expect(c.meanOtherChange).toBeNull();
    expect(c.worst.label).toBe('stripe');
    expect(c.passes).toEqual({ clean: true, meanOther: null, single: false });
    expect(() => checkLesson('m', [row('clean', 0.98, 0.98)])).toThrow(/no target drift row/);
  });

  it('writes one Markdown row per model, and a failed model’s reason', () => {
    const check = checkLesson('mnist-cnn', [row('clean', 0.98, 0.973), row('stripe', 0.33, 0.8, true), row('fog', 0.9, 0.88)]);
    const table = summaryTable([{ check, verdict: 'repaired', caution: true, searchSeconds: 41.6 }, { model: 'fashion-cnn', error: 'stopped at step "search": timed out' }]).split('\n');
    expect(table).toHaveLength(4);
    expect(table[2]).toBe('| mnist-cnn | repaired (caution shown) | −0.7 | stripe: 33.0 → 80.0 | −2.0 | −2.0 (fog) | FAIL | FAIL | pass | 42 |');
    expect(table[3]).toContain('| fashion-cnn | failed: stopped at step "search": timed out |');
  });
});

import { describe, expect, it } from 'vitest';
import { phaseReporter, CancelToken } from '../../../src/core/progress';
import { CancelledError } from '../../../src/core/errors';
import type { Progress } from '../../../src/core/types';
import { createRng, shuffled } from '../../../src/core/random';

describe('progress', () => {
  it('extrapolates the ETA from the time per unit so far', () => {
    const seen: Progress[] = [];
    let clock = 1000;
    const report = phaseReporter('train', 10, (p) => seen.push(p), () => clock);
    clock = 1400;
    report(2);
    expect(seen[0]).toEqual({ phase: 'train', done: 0, total: 10, etaMs: null });
    expect(seen[1]).toEqual({ phase: 'train', done: 2, total: 10, etaMs: 1600 });
  });

  it('cancel tokens throw a CancelledError naming the phase', () => {
    const token = new CancelToken();
    expect(() => token.throwIfCancelled('search')).not.toThrow();
    token.cancel();
    expect(() => token.throwIfCancelled('search')).toThrow(CancelledError);
    expect(() => token.throwIfCancelled('search')).toThrow('The search was cancelled.');
  });
});

describe('seeded random numbers', () => {
  it('repeat for a seed, differ across seeds, and resume from a saved state', () => {
    const a = createRng(42);
    const b = createRng(42);
    const seqA = [a.next(), a.next(), a.next()];
    expect([b.next(), b.next(), b.next()]).toEqual(seqA);
    expect(createRng(43).next()).not.toBe(seqA[0]);
    const c = createRng(42);
    c.next();
    const resumed = createRng(42, c.state());
    expect(resumed.next()).toBe(seqA[1]);
  });

  it('shuffles deterministically and keeps every item', () => {
    const items = Array.from({ length: 50 }, (_, i) => i);
    const s1 = shuffled(items, createRng(1));
    expect(shuffled(items, createRng(1))).toEqual(s1);
    expect([...s1].sort((x, y) => x - y)).toEqual(items);
    expect(s1).not.toEqual(items);
  });
});

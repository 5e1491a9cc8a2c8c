import { describe, expect, it } from 'vitest';
import { GUARD_FLOATS, guardCorruptions, guardImagesPerCorruption } from '../../../../src/core/repair/guard';
import { CORRUPTION_NAMES } from '../../../../src/core/data/corruptions';

describe('robustness guard images', () => {
  it('checks every corruption but the targeted one (all of them for a drift set or clean failures)', () => {
    expect(guardCorruptions('fog')).toEqual(CORRUPTION_NAMES.filter((n) => n !== 'fog'));
    expect(guardCorruptions(null)).toEqual([...CORRUPTION_NAMES]);
    expect(guardCorruptions('none')).toEqual([...CORRUPTION_NAMES]);
  });

  it('takes every validation image of small images and fewer of large ones, within its memory budget', () => {
    expect(guardImagesPerCorruption(900, 22, 28 * 28)).toBe(900);
    const cifar = guardImagesPerCorruption(900, 22, 32 * 32 * 3);
    expect(cifar).toBe(Math.floor(GUARD_FLOATS / (22 * 32 * 32 * 3)));
    expect(cifar).toBeLessThan(900);
    expect(cifar * 22 * 32 * 32 * 3).toBeLessThanOrEqual(GUARD_FLOATS);
    expect(guardImagesPerCorruption(900, 0, 784)).toBe(0);
  });
});

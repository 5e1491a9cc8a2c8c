import { describe, expect, it } from 'vitest';
import { repairConfigOf } from '../../../src/worker/repair';
import { CLEAN_TOLERANCE } from '../../../src/core/repair/selection';
import { DEFAULT_LESSON, readLesson } from '../../../src/ui/state/lesson-url';

describe('the engine config of a lesson', () => {
  it('carries the clean bound in points as a fraction, and the default when the input was emptied or the session predates it', () => {
    expect(DEFAULT_LESSON.cleanBound).toBe(100 * CLEAN_TOLERANCE);
    expect(repairConfigOf({ ...DEFAULT_LESSON, cleanBound: 100 }, 10_000).cleanTolerance).toBe(1);
    expect(repairConfigOf({ ...DEFAULT_LESSON, cleanBound: 0.25 }, 10_000).cleanTolerance).toBe(0.0025);
    expect(repairConfigOf({ ...DEFAULT_LESSON, cleanBound: null as unknown as number }, 10_000).cleanTolerance).toBeUndefined();
    expect(repairConfigOf({ ...DEFAULT_LESSON, cleanBound: undefined }, 10_000).cleanTolerance).toBeUndefined();
  });

  it('carries the robustness guard, on by default, and the default when the session predates it', () => {
    expect(DEFAULT_LESSON.robustnessGuard).toBe(true);
    expect(repairConfigOf({ ...DEFAULT_LESSON, robustnessGuard: false }, 10_000).robustnessGuard).toBe(false);
    expect(repairConfigOf({ ...DEFAULT_LESSON, robustnessGuard: undefined }, 10_000).robustnessGuard).toBeUndefined();
    expect(readLesson('?guard=0').lesson.robustnessGuard).toBe(false);
    expect(readLesson('').lesson.robustnessGuard).toBe(true);
  });

  it('takes the Search step\'s settings: space, epochs, batch and fine-tune epochs', () => {
    const c = repairConfigOf({ ...DEFAULT_LESSON, preset: 'paper', epochs: 7, batchSize: 24, finetuneEpochs: 2 }, 10_000);
    expect([c.search?.preset, c.search?.epochs, c.search?.batchSize, c.finetune?.epochs, c.finetune?.batchSize]).toEqual(['paper', 7, 24, 2, 24]);
  });
});

import { describe, expect, it } from 'vitest';
import { DEFAULT_LESSON, readLesson, writeLesson } from '../../../../src/ui/state/lesson-url';

describe('lesson URL', () => {
  it('round-trips every setting and keeps other parameters', () => {
    const lesson = { ...DEFAULT_LESSON, model: 'fashion-cnn', dataset: 'fashion-test', corruption: 'zigzag', severity: 5, seed: 9, workingSize: 400, failureCap: 40, preset: 'paper' as const, epochs: 2, finetuneEpochs: 1, batchSize: 16, includeSuite: false };
    const url = writeLesson(new URL('http://x/?backend=wasm'), lesson);
    expect(url.searchParams.get('backend')).toBe('wasm');
    const { lesson: back, given } = readLesson(url.search);
    expect(back).toEqual(lesson);
    expect(given.has('corruption')).toBe(true);
  });

  it('falls back to defaults for missing or out-of-range values and says which were given', () => {
    const { lesson, given } = readLesson('?severity=9&epochs=abc&preset=huge&seed=4');
    expect(lesson.severity).toBe(DEFAULT_LESSON.severity);
    expect(lesson.epochs).toBe(DEFAULT_LESSON.epochs);
    expect(lesson.preset).toBe(DEFAULT_LESSON.preset);
    expect(lesson.seed).toBe(4);
    expect([...given]).toEqual(['seed']);
  });
});

import { describe, expect, it } from 'vitest';
import { BATCH_BY_BACKEND, DEFAULT_LESSON, batchSizeFor, readLesson, writeLesson } from '../../../../src/ui/state/lesson-url';

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

describe('lesson URL with the user\'s own drift set', () => {
  it('records the drift set by name, count and content hash, and leaves them out when the drift is a corruption', () => {
    const lesson = { ...DEFAULT_LESSON, driftName: 'my-fog', driftCount: 240, driftHash: 'sha256:00ff' };
    const url = writeLesson(new URL('http://x/'), lesson);
    expect([url.searchParams.get('drift'), url.searchParams.get('drift-count'), url.searchParams.get('drift-hash')]).toEqual(['my-fog', '240', 'sha256:00ff']);
    expect(readLesson(url.search).lesson).toEqual(lesson);
    // Back to a corruption: the count and hash go with the name.
    const plain = writeLesson(url, { ...lesson, driftName: '' });
    expect(['drift', 'drift-count', 'drift-hash'].map((k) => plain.searchParams.has(k))).toEqual([false, false, false]);
    expect(readLesson(plain.search).lesson).toMatchObject({ driftName: '', driftCount: 0, driftHash: '' });
  });
});

describe('batch size by backend', () => {
  it('adapts to the backend unless the URL fixed it', () => {
    const free = readLesson('?epochs=2');
    expect(batchSizeFor('webgpu', free.lesson, free.given)).toBe(64);
    expect(batchSizeFor('cpu', free.lesson, free.given)).toBe(16);
    expect(batchSizeFor('wasm', free.lesson, free.given)).toBe(BATCH_BY_BACKEND.wasm);
    const fixed = readLesson('?batch=8');
    expect(batchSizeFor('webgpu', fixed.lesson, fixed.given)).toBe(8);
  });
});

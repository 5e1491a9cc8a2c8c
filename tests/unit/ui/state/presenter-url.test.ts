import { describe, expect, it } from 'vitest';
import { readPresenting, writePresenting } from '../../../../src/ui/state/presenter-url';
import { DEFAULT_LESSON, writeLesson } from '../../../../src/ui/state/lesson-url';

describe('projector mode in the URL', () => {
  it('reads present=1 (or true) as on, anything else as off', () => {
    expect(readPresenting('?present=1')).toBe(true);
    expect(readPresenting('?model=mnist-cnn&present=true')).toBe(true);
    expect(readPresenting('?present=0')).toBe(false);
    expect(readPresenting('')).toBe(false);
  });

  it('writes the flag without touching the lesson, and sharing the lesson keeps it', () => {
    const on = writePresenting(new URL('http://lab.test/?backend=wasm&epochs=2'), true);
    expect(on.search).toBe('?backend=wasm&epochs=2&present=1');
    expect(writePresenting(on, false).search).toBe('?backend=wasm&epochs=2');
    expect(readPresenting(writeLesson(on, DEFAULT_LESSON).search)).toBe(true);
  });
});

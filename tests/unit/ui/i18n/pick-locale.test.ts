import { describe, expect, it } from 'vitest';
import { pickLocale } from '../../../../src/ui/i18n/pick-locale';
import { readLesson, writeLesson, DEFAULT_LESSON } from '../../../../src/ui/state/lesson-url';

describe('pickLocale', () => {
  it('takes lang= from the lesson URL first', () => {
    expect(pickLocale('?lang=ja', ['en-US'])).toBe('ja');
    expect(pickLocale('?model=mnist-cnn&lang=en', ['ja-JP'])).toBe('en');
  });

  it('follows the browser’s languages in order (region ignored) when the URL names none or an unknown one', () => {
    expect(pickLocale('', ['ja-JP', 'en-US'])).toBe('ja');
    expect(pickLocale('?lang=fr', ['de-DE', 'ja'])).toBe('ja');
    expect(pickLocale('', ['fr-FR', 'en-GB'])).toBe('en');
  });

  it('falls back to English', () => {
    expect(pickLocale('', [])).toBe('en');
    expect(pickLocale('', ['fr', 'de'])).toBe('en');
  });
});

describe('lang in the lesson URL', () => {
  it('is written beside the lesson and does not become a lesson setting', () => {
    const url = writeLesson(new URL('https://lab.example/?backend=wasm'), DEFAULT_LESSON, 'ja');
    expect(url.searchParams.get('lang')).toBe('ja');
    expect(url.searchParams.get('backend')).toBe('wasm');
    expect(pickLocale(url.search, ['en'])).toBe('ja');
    expect(readLesson(url.search).lesson).toEqual(readLesson(writeLesson(new URL('https://lab.example/'), DEFAULT_LESSON).search).lesson);
    expect(Object.keys(readLesson(url.search).lesson)).not.toContain('lang');
  });
});

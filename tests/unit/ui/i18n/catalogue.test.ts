/**
 * The message catalogue is complete in both languages: the same keys, no empty message, the same
 * {parameters} in each translation, and every key used by the UI (and every key the UI uses exists).
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '../../../..');
const LOCALES = ['en', 'ja'] as const;

function catalogue(locale: string): Record<string, string> {
  const entries = JSON.parse(readFileSync(join(ROOT, 'messages', `${locale}.json`), 'utf8')) as Record<string, string>;
  return Object.fromEntries(Object.entries(entries).filter(([key]) => !key.startsWith('$')));
}

const parameters = (text: string): string[] => [...text.matchAll(/\{(\w+)\}/g)].map((x) => x[1]).sort();

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(svelte|ts)$/.test(name) ? [path] : [];
  });
}

describe('message catalogue', () => {
  const byLocale = Object.fromEntries(LOCALES.map((l) => [l, catalogue(l)])) as Record<(typeof LOCALES)[number], Record<string, string>>;
  const allKeys = [...new Set(LOCALES.flatMap((l) => Object.keys(byLocale[l])))].sort();

  for (const locale of LOCALES) {
    it(`has every key in ${locale}, none empty`, () => {
      const missing = allKeys.filter((key) => !(key in byLocale[locale]));
      expect(missing, `keys missing in messages/${locale}.json`).toEqual([]);
      const empty = allKeys.filter((key) => (byLocale[locale][key] ?? '').trim() === '');
      expect(empty, `empty messages in messages/${locale}.json`).toEqual([]);
    });
  }

  it('uses the same {parameters} in every language', () => {
    const mismatched = allKeys.filter((key) => new Set(LOCALES.map((l) => parameters(byLocale[l][key] ?? '').join(','))).size > 1);
    expect(mismatched).toEqual([]);
  });

  it('writes Japanese in Japanese: messages with words are not left in English', () => {
    // Identical en/ja text is fine for symbols, units and names (ArchRepair Lab, English, 日本語, {s} s…);
    // a message with an English word of four or more letters outside {…} is a forgotten translation.
    const words = (text: string) => text.replace(/\{\w+\}/g, '').match(/[A-Za-z]{4,}/g) ?? [];
    const ALLOWED_SAME = new Set(['app_title', 'lang_name_en', 'lang_name_ja']);
    const untranslated = allKeys.filter((key) => !ALLOWED_SAME.has(key) && byLocale.ja[key] === byLocale.en[key] && words(byLocale.en[key]).length > 0);
    expect(untranslated).toEqual([]);
  });

  it('has no unused keys, and the UI calls no key that is missing', () => {
    const used = new Set<string>();
    for (const file of sourceFiles(join(ROOT, 'src/ui'))) for (const match of readFileSync(file, 'utf8').matchAll(/\bm\.(\w+)/g)) used.add(match[1]);
    expect(allKeys.filter((key) => !used.has(key)), 'keys no component uses').toEqual([]);
    expect([...used].filter((key) => !allKeys.includes(key)).sort(), 'keys the UI uses but the catalogue lacks').toEqual([]);
  });
});

/** Coded engine errors are worded from the catalogue: in English exactly as the engine says them, in Japanese in Japanese. */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LabError } from '../../../../src/core/errors';
import { parseBackendName } from '../../../../src/core/tfjs/backend';
import { parseCorruptionName } from '../../../../src/core/data/corruptions';
import { parseJsonFile } from '../../../../src/core/model/validate-files';
import { errorWords, isWordedError } from '../../../../src/ui/i18n/error-words';
import { overwriteGetLocale } from '../../../../src/paraglide/runtime';

function thrown(call: () => unknown): LabError {
  try {
    call();
  } catch (err) {
    return err as LabError;
  }
  throw new Error('expected a LabError');
}

const errors = () => [
  thrown(() => parseBackendName('tpu')),
  thrown(() => parseCorruptionName('rain')),
  thrown(() => parseJsonFile({ name: 'model.json', bytes: new TextEncoder().encode('{"format": "layers-model", "modelTopology": {') })),
  thrown(() => parseJsonFile({ name: 'model.json', bytes: new Uint8Array([0xff, 0xfe, 0x00]) })),
];

afterEach(() => overwriteGetLocale(() => 'en'));

describe('engine errors in the UI language', () => {
  it('words every coded error in English exactly as the engine does', () => {
    overwriteGetLocale(() => 'en');
    for (const e of errors()) {
      expect(isWordedError(e.code), e.message).toBe(true);
      expect(errorWords(e)).toEqual({ message: e.message, fix: e.fix });
    }
  });

  it('words them in Japanese, keeping file names and values', () => {
    overwriteGetLocale(() => 'ja');
    const [backend, , truncated] = errors().map((e) => errorWords(e));
    expect(backend.message).toBe('「tpu」というバックエンドはありません。');
    expect(truncated.message).toMatch(/^model\.json が途中で切れています/);
    expect(truncated.fix).toMatch(/もう一度コピー/);
  });

  it('keeps the engine’s words for an error without a known code', () => {
    overwriteGetLocale(() => 'ja');
    expect(errorWords({ message: 'tfjs said no', fix: 'try again' })).toEqual({ message: 'tfjs said no', fix: 'try again' });
  });

  it('has catalogue words for every code the engine throws', () => {
    const files = (dir: string): string[] => readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? files(join(dir, n)) : n.endsWith('.ts') ? [join(dir, n)] : []));
    const root = join(__dirname, '../../../../src');
    const codes = new Set<string>();
    for (const dir of ['core', 'worker', 'store']) {
      for (const file of files(join(root, dir))) for (const match of readFileSync(file, 'utf8').matchAll(/code: (?:[^,}]*\? )?'(\w+)'(?: : '(\w+)')?/g)) [match[1], match[2]].filter(Boolean).forEach((c) => codes.add(c));
    }
    expect(codes.size).toBeGreaterThan(10);
    expect([...codes].filter((c) => !isWordedError(c))).toEqual([]);
  });
});

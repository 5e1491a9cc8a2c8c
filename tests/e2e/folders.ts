import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { test } from './fixtures';

/** Writes the files of a class folder under the running test's output folder; returns the folder's path. */
export function writeFolder(files: { path: string; bytes: Uint8Array }[]): string {
  for (const f of files) {
    const full = test.info().outputPath(f.path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, f.bytes);
  }
  return test.info().outputPath(files[0].path.split('/')[0]);
}

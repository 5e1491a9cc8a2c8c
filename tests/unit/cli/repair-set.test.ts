import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { gzipSync } from 'node:zlib';
import { loadRepairSet } from '../../../src/cli/datasets';
import { encodeIdx } from '../../../src/core/data/idx';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'repair-set-'));
  const count = 12;
  const pixels = Uint8Array.from({ length: count * 14 * 14 }, (_, i) => (i * 37) % 256);
  await writeFile(join(dir, 'train-images-idx3-ubyte.gz'), gzipSync(encodeIdx([count, 14, 14], pixels)));
  await writeFile(join(dir, 'train-labels-idx1-ubyte.gz'), gzipSync(encodeIdx([count], Uint8Array.from({ length: count }, (_, i) => i % 3))));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('loadRepairSet (the --clean / --drift / --train sets of npm run repair)', () => {
  it('fits an IDX set to the model input and notes what it changed', async () => {
    const { dataset, notes } = await loadRepairSet(dir, { inputShape: [28, 28, 1], numClasses: 3 }, 'drift');
    expect([dataset.count, dataset.height, dataset.width, dataset.channels]).toEqual([12, 28, 28, 1]);
    expect(notes.some((n) => n.startsWith('--drift:') && /14×14 → 28×28/.test(n))).toBe(true);
  });

  it('refuses a set whose classes differ from the model, naming the flag and the mismatch', async () => {
    await expect(loadRepairSet(dir, { inputShape: [28, 28, 1], numClasses: 10 }, 'drift')).rejects.toThrow(/3 classes.*10 classes/s);
    await expect(loadRepairSet(dir, { inputShape: [28, 28, 1], numClasses: 10 }, 'drift')).rejects.toThrow(/--drift/);
  });

  it('takes a bundled dataset by name', async () => {
    const { dataset } = await loadRepairSet('mnist-train-5k', { inputShape: [28, 28, 1], numClasses: 10 }, 'train');
    expect(dataset.count).toBe(5000);
  });
});

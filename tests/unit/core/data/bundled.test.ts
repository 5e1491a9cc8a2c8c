import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { BUNDLED_DATASET_NAMES, loadBundledDataset, loadBundledManifest } from '../../../../src/core/data/bundled';
import { readPublicData } from '../../../../src/core/data/node-source';
import { prepareData, DEFAULT_DATA_DIR } from '../../../../scripts/prepare-data';
import { LabError } from '../../../../src/core/errors';

describe('bundled datasets (public/data from prepare-data)', () => {
  it('prepare-data is idempotent and lists every bundled dataset', async () => {
    await prepareData(DEFAULT_DATA_DIR);
    const second = await prepareData(DEFAULT_DATA_DIR);
    expect(second.isWritten).toBe(false);
    expect(second.manifest.datasets.map((d) => d.name)).toEqual([...BUNDLED_DATASET_NAMES]);
    expect(existsSync(`${DEFAULT_DATA_DIR}/index.json`)).toBe(true);
  });

  it('loads the MNIST test split: 10 000 official digits, all classes present', async () => {
    const ds = await loadBundledDataset('mnist-test', readPublicData(DEFAULT_DATA_DIR));
    expect([ds.count, ds.height, ds.width, ds.channels]).toEqual([10000, 28, 28, 1]);
    // First three labels of the official t10k set.
    expect(Array.from(ds.labels.subarray(0, 3))).toEqual([7, 2, 1]);
    const counts = new Array(10).fill(0);
    ds.labels.forEach((l) => counts[l]++);
    expect(counts.every((c) => c > 800)).toBe(true);
    expect(ds.images.every((v) => v >= 0 && v <= 1)).toBe(true);
  });

  it('loads the Fashion-MNIST test split: 1000 per class, interleaved, documented split', async () => {
    const ds = await loadBundledDataset('fashion-test', readPublicData(DEFAULT_DATA_DIR));
    expect(ds.count).toBe(10000);
    expect(Array.from(ds.labels.subarray(0, 12))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]);
    expect(ds.classNames[9]).toBe('Ankle boot');
    expect(ds.provenance).toMatch(/the last 1000 are test/);
  });

  it('rejects a missing manifest with the command that fixes it', async () => {
    const fetchBytes = async (): Promise<Uint8Array> => {
      throw new Error('404');
    };
    await expect(loadBundledManifest(fetchBytes)).rejects.toThrow(LabError);
    await expect(loadBundledManifest(fetchBytes)).rejects.toMatchObject({ fix: expect.stringMatching(/npm run prepare-data/) });
  });
});

/** Pieces of the labelled-set loader: image fitting, class lists, identity hashes, dropped File objects. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PNG } from 'pngjs';
import { readClassList } from '../../../../src/core/data/class-list';
import { decodeImageInNode } from '../../../../src/core/data/decode-node';
import { loadDroppedSet } from '../../../../src/core/data/dropped-set';
import { describeFit, fitImage } from '../../../../src/core/data/fit-image';
import { datasetHash, fnv1a64 } from '../../../../src/core/data/identity';
import { LabError } from '../../../../src/core/errors';

const text = (s: string): Uint8Array => new TextEncoder().encode(s);

function png(w: number, h: number, v: number): Uint8Array {
  const image = new PNG({ width: w, height: h });
  for (let p = 0; p < w * h; p++) image.data.set([v, v, v, 255], p * 4);
  return new Uint8Array(PNG.sync.write(image));
}

describe('fitImage', () => {
  it('area-resamples: a 4×4 image to 2×2 averages each 2×2 square', () => {
    const src = Float32Array.from({ length: 16 }, (_, i) => i);
    expect(Array.from(fitImage(src, { height: 4, width: 4, channels: 1 }, { height: 2, width: 2, channels: 1 }))).toEqual([2.5, 4.5, 10.5, 12.5]);
  });

  it('upsamples by repeating, and converts channels (grey ↔ RGB, RGBA alpha dropped or kept)', () => {
    expect(Array.from(fitImage([0, 1], { height: 1, width: 2, channels: 1 }, { height: 1, width: 4, channels: 1 }))).toEqual([0, 0, 1, 1]);
    expect(Array.from(fitImage([255], { height: 1, width: 1, channels: 1 }, { height: 1, width: 1, channels: 3 }, 1 / 255))).toEqual([1, 1, 1]);
    const [grey] = fitImage([255, 0, 0, 255], { height: 1, width: 1, channels: 4 }, { height: 1, width: 1, channels: 1 }, 1 / 255);
    expect(grey).toBeCloseTo(0.299, 6);
    expect(Array.from(fitImage([10, 20, 30, 40], { height: 1, width: 1, channels: 4 }, { height: 1, width: 1, channels: 4 }))).toEqual([10, 20, 30, 40]);
  });

  it('describes what it does', () => {
    expect(describeFit({ height: 64, width: 64, channels: 3 }, { height: 28, width: 28, channels: 1 })).toBe('resized 64×64 → 28×28, RGB → grey');
    expect(describeFit({ height: 28, width: 28, channels: 1 }, { height: 28, width: 28, channels: 3 })).toBe('grey → RGB');
    expect(describeFit({ height: 8, width: 8, channels: 3 }, { height: 8, width: 8, channels: 3 })).toBeNull();
  });
});

describe('class lists', () => {
  it('classes.txt before metadata.json, at the top of the set only', () => {
    const files = [
      { path: 'set/metadata.json', bytes: text(JSON.stringify({ labels: ['m1', 'm2'] })) },
      { path: 'set/classes.txt', bytes: text(' b \r\n\na\n') },
      { path: 'set/a/classes.txt', bytes: text('deep') },
    ];
    expect(readClassList(files)).toEqual({ names: ['b', 'a'], file: 'set/classes.txt' });
    expect(readClassList(files.slice(0, 1))?.names).toEqual(['m1', 'm2']);
    expect(readClassList([{ path: 'a/1.png', bytes: new Uint8Array(1) }])).toBeNull();
  });

  it('refuses duplicates, empty lists and a metadata.json without labels', () => {
    expect(() => readClassList([{ path: 'classes.txt', bytes: text('a\nb\na') }])).toThrow(/names class "a" twice/);
    expect(() => readClassList([{ path: 'classes.txt', bytes: text('\n') }])).toThrow(/names no classes/);
    expect(() => readClassList([{ path: 'metadata.json', bytes: text('{"modelName":"x"}') }])).toThrow(LabError);
  });
});

describe('dataset identity hash', () => {
  afterEach(() => vi.unstubAllGlobals());
  const ds = { images: Float32Array.from([0, 0.5, 1, 0.25]), labels: Int32Array.from([0, 1]), count: 2, height: 1, width: 2, channels: 1, classNames: ['a', 'b'] };

  it('FNV-1a 64 matches the reference values', () => {
    // Reference: FNV-1a 64 of "" and of "a" (offset basis, and the published test vector).
    expect(fnv1a64([])).toBe('cbf29ce484222325');
    expect(fnv1a64([text('a')])).toBe('af63dc4c8601ec8c');
    expect(fnv1a64([text('foo'), text('bar')])).toBe(fnv1a64([text('foobar')]));
  });

  it('SHA-256 with Web Crypto, FNV-1a 64 without; any change of pixels, labels or classes changes it', async () => {
    const a = await datasetHash(ds);
    expect(a).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(await datasetHash({ ...ds })).toBe(a);
    expect(await datasetHash({ ...ds, labels: Int32Array.from([1, 0]) })).not.toBe(a);
    expect(await datasetHash({ ...ds, images: Float32Array.from([0, 0.5, 1, 0.3]) })).not.toBe(a);
    expect(await datasetHash({ ...ds, classNames: ['a', 'c'] })).not.toBe(a);
    vi.stubGlobal('crypto', undefined);
    expect(await datasetHash(ds)).toMatch(/^fnv1a64:[0-9a-f]{16}$/);
  });
});

describe('loadDroppedSet (browser-side, over File objects)', () => {
  it('reads dropped Blobs with their folder paths', async () => {
    const files = [
      { path: 'shots/a/1.png', file: new Blob([png(6, 6, 10) as Uint8Array<ArrayBuffer>]) },
      { path: 'shots/b/1.png', file: new Blob([png(3, 3, 250) as Uint8Array<ArrayBuffer>]) },
    ];
    const set = await loadDroppedSet(files, { name: 'shots', target: [3, 3, 1] }, decodeImageInNode);
    expect([set.dataset.count, set.dataset.classNames, set.conversions]).toEqual([2, ['a', 'b'], ['resized 6×6 → 3×3 (1 image)']]);
  });

  it('refuses a set over the size limit from Blob.size, before reading', async () => {
    const huge = { size: 2 * 1024 ** 3, arrayBuffer: () => Promise.reject(new Error('must not be read')) } as unknown as Blob;
    await expect(loadDroppedSet([{ path: 'big/a/1.png', file: huge }])).rejects.toThrow(/holds 2048 MB of files/);
  });
});

import { describe, expect, it } from 'vitest';
import { gzipSync } from 'node:zlib';
import { encodeIdx, loadIdxDataset, parseIdx } from '../../../../src/core/data/idx';
import { LabError } from '../../../../src/core/errors';

const images = (count = 3, h = 2, w = 2) => ({ name: 'imgs.idx', bytes: encodeIdx([count, h, w], Uint8Array.from({ length: count * h * w }, (_, i) => (i * 37) % 256)) });
const labels = (values: number[]) => ({ name: 'labels.idx', bytes: encodeIdx([values.length], Uint8Array.from(values)) });

/** Runs `load` and returns the LabError it rejects with (fails the test otherwise). */
async function rejection(load: () => Promise<unknown>): Promise<LabError> {
  try {
    await load();
  } catch (err) {
    expect(err).toBeInstanceOf(LabError);
    return err as LabError;
  }
  throw new Error('expected a LabError');
}

describe('IDX loader', () => {
  it('reads images and labels, scaling pixels to [0, 1]', async () => {
    const ds = await loadIdxDataset(images(), labels([0, 2, 1]), { name: 'tiny', classNames: ['a', 'b', 'c'] });
    expect([ds.count, ds.height, ds.width, ds.channels]).toEqual([3, 2, 2, 1]);
    expect(Array.from(ds.labels)).toEqual([0, 2, 1]);
    expect(ds.images[1]).toBeCloseTo(37 / 255, 6);
    expect(ds.classNames).toEqual(['a', 'b', 'c']);
  });

  it('defaults class names to the label numbers and reads gzip files', async () => {
    const img = images();
    const ds = await loadIdxDataset({ name: 'imgs.gz', bytes: new Uint8Array(gzipSync(img.bytes)) }, labels([0, 3, 1]), { name: 'gz' });
    expect(ds.classNames).toEqual(['0', '1', '2', '3']);
    expect(ds.images[5]).toBeCloseTo(((5 * 37) % 256) / 255, 6);
  });

  it('round-trips encodeIdx → parseIdx', () => {
    const data = Uint8Array.from([1, 2, 3, 4, 5, 6]);
    const parsed = parseIdx({ name: 'x', bytes: encodeIdx([1, 2, 3], data) }, [3], 'images');
    expect(parsed.dims).toEqual([1, 2, 3]);
    expect(Array.from(parsed.data)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('rejects a wrong magic number (e.g. labels given as images), naming file and field', async () => {
    const err = await rejection(() => loadIdxDataset(labels([1, 2]), labels([1, 2]), { name: 'x' }));
    expect(err.file).toBe('labels.idx');
    expect(err.field).toBe('magic number');
    expect(err.message).toContain('0x00000801');
    expect(err.message).toContain('0x00000803');
    expect(err.fix).toMatch(/images file/);
  });

  it('rejects a file that is not IDX at all', async () => {
    const png = { name: 'photo.png', bytes: Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0]) };
    const err = await rejection(() => loadIdxDataset(png, labels([1]), { name: 'x' }));
    expect(err.message).toMatch(/photo\.png is not an IDX images file/);
  });

  it('rejects truncated files: short header and short data', async () => {
    const short = await rejection(() => loadIdxDataset({ name: 'cut.idx', bytes: images().bytes.subarray(0, 9) }, labels([0, 1, 2]), { name: 'x' }));
    expect(short.message).toMatch(/cut\.idx is truncated/);
    expect(short.field).toBe('dimension 1');
    const data = await rejection(() => loadIdxDataset({ name: 'cut.idx', bytes: images().bytes.subarray(0, 20) }, labels([0, 1, 2]), { name: 'x' }));
    expect(data.message).toMatch(/truncated: the header declares 3×2×2 = 12 bytes of data, the file holds 4/);
    expect(data.field).toBe('data length');
  });

  it('rejects trailing bytes', async () => {
    const img = images();
    const longer = new Uint8Array(img.bytes.length + 5);
    longer.set(img.bytes);
    const err = await rejection(() => loadIdxDataset({ name: 'long.idx', bytes: longer }, labels([0, 1, 2]), { name: 'x' }));
    expect(err.message).toMatch(/longer than its header says/);
  });

  it('rejects a label/image count mismatch, naming both files', async () => {
    const err = await rejection(() => loadIdxDataset(images(3), labels([0, 1]), { name: 'x' }));
    expect(err.message).toBe('labels.idx holds 2 labels but imgs.idx holds 3 images.');
    expect(err.field).toBe('label count');
    expect(err.fix).toMatch(/same split/);
  });

  it('rejects labels outside the class list', async () => {
    const err = await rejection(() => loadIdxDataset(images(3), labels([0, 1, 9]), { name: 'x', classNames: ['a', 'b'] }));
    expect(err.message).toMatch(/contains label 9, but the dataset has only 2 classes/);
  });

  it('rejects a damaged gzip file', async () => {
    const gz = new Uint8Array(gzipSync(images().bytes)).subarray(0, 12);
    const err = await rejection(() => loadIdxDataset({ name: 'imgs.gz', bytes: gz }, labels([0, 1, 2]), { name: 'x' }));
    expect(err.field).toBe('gzip');
    expect(err.file).toBe('imgs.gz');
  });
});

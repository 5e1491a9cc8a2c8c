import { describe, expect, it } from 'vitest';
import { PNG } from 'pngjs';
import jpeg from 'jpeg-js';
import { loadImageFolder, sniffImageType, type FolderFile } from '../../../../src/core/data/image-folder';
import { decodeImageInNode } from '../../../../src/core/data/decode-node';
import { LabError } from '../../../../src/core/errors';

/** A w×h RGBA PNG whose pixel (x, y) is rgb(x·10 + shade, y·10, shade) or grey when `isGrey`. */
function png(w: number, h: number, shade: number, isGrey = false): Uint8Array {
  const image = new PNG({ width: w, height: h });
  for (let p = 0; p < w * h; p++) {
    const [x, y] = [p % w, Math.floor(p / w)];
    const rgb = isGrey ? [shade, shade, shade] : [x * 10 + shade, y * 10, shade];
    image.data.set([...rgb, 255], p * 4);
  }
  return new Uint8Array(PNG.sync.write(image));
}

function jpg(w: number, h: number, value: number): Uint8Array {
  const data = new Uint8Array(w * h * 4).fill(value);
  return new Uint8Array(jpeg.encode({ data, width: w, height: h }, 95).data);
}

async function rejection(files: FolderFile[]): Promise<LabError> {
  try {
    await loadImageFolder(files, decodeImageInNode, 'set');
  } catch (err) {
    expect(err).toBeInstanceOf(LabError);
    return err as LabError;
  }
  throw new Error('expected a LabError');
}

describe('image-folder loader', () => {
  it('reads one sub-folder per class (sorted), RGB kept as 3 channels, clutter skipped', async () => {
    const ds = await loadImageFolder(
      [
        { path: 'pets/dog/1.png', bytes: png(4, 3, 5) },
        { path: 'pets/cat/1.png', bytes: png(4, 3, 7) },
        { path: 'pets/cat/2.png', bytes: png(4, 3, 9) },
        { path: 'pets/cat/.DS_Store', bytes: new Uint8Array([1, 2, 3]) },
      ],
      decodeImageInNode,
      'pets',
    );
    expect(ds.classNames).toEqual(['cat', 'dog']);
    expect(Array.from(ds.labels)).toEqual([0, 0, 1]);
    expect([ds.count, ds.height, ds.width, ds.channels]).toEqual([3, 3, 4, 3]);
    // Image 0 = cat/1.png, pixel (x 2, y 1): rgb(27, 10, 7).
    const at = (1 * 4 + 2) * 3;
    expect([ds.images[at], ds.images[at + 1], ds.images[at + 2]].map((v) => Math.round(v * 255))).toEqual([27, 10, 7]);
  });

  it('collapses grey images to one channel and reads JPEG', async () => {
    const ds = await loadImageFolder([{ path: 'a/x.png', bytes: png(8, 8, 200, true) }, { path: 'b/y.jpg', bytes: jpg(8, 8, 100) }], decodeImageInNode);
    expect(ds.channels).toBe(1);
    expect(ds.images[0]).toBeCloseTo(200 / 255, 6);
    expect(Math.abs(ds.images[64] * 255 - 100)).toBeLessThan(3);
  });

  it('rejects mixed image sizes, naming both files and the fix', async () => {
    const err = await rejection([{ path: 'a/1.png', bytes: png(4, 4, 0) }, { path: 'a/2.png', bytes: png(5, 4, 0) }]);
    expect(err.message).toBe('a/2.png is 5×4 but a/1.png is 4×4; all images must have the same size.');
    expect(err.field).toBe('image size');
    expect(err.fix).toMatch(/Resize/);
  });

  it('rejects non-image files', async () => {
    const err = await rejection([{ path: 'a/1.png', bytes: png(4, 4, 0) }, { path: 'a/notes.txt', bytes: new TextEncoder().encode('hello') }]);
    expect(err.file).toBe('a/notes.txt');
    expect(err.message).toBe('a/notes.txt is not an image file.');
  });

  it('rejects a damaged image and images outside class folders', async () => {
    const broken = png(4, 4, 0).slice(0, 40);
    expect((await rejection([{ path: 'a/bad.png', bytes: broken }])).message).toMatch(/a\/bad\.png could not be decoded/);
    expect((await rejection([{ path: 'loose.png', bytes: png(4, 4, 0) }])).field).toBe('folder layout');
    expect((await rejection([])).field).toBe('files');
  });

  it('rejects images larger than the lab handles', async () => {
    expect((await rejection([{ path: 'a/big.png', bytes: png(300, 2, 0) }])).message).toMatch(/up to 256×256/);
  });

  it('sniffs image types by their bytes', () => {
    expect(sniffImageType(png(1, 1, 0))).toBe('png');
    expect(sniffImageType(jpg(1, 1, 0))).toBe('jpeg');
    expect(sniffImageType(new TextEncoder().encode('GIF89a'))).toBe('gif');
    expect(sniffImageType(new Uint8Array([1, 2, 3]))).toBeNull();
  });
});

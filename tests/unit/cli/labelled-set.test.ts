/**
 * `loadLabelledSet` over files generated in a temp dir: every accepted format (class folders with
 * PNG/JPEG of any size, IDX pairs with any prefix and gzip, CIFAR-10/100 batches, classes.txt and
 * metadata.json) and every bad input (file, field and fix in each LabError).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { PNG } from 'pngjs';
import jpeg from 'jpeg-js';
import { loadLabelledSet } from '../../../src/cli/datasets';
import { matchModelClasses } from '../../../src/core/data/class-match';
import { encodeIdx } from '../../../src/core/data/idx';
import { datasetIdentity } from '../../../src/core/data/identity';
import { LabError } from '../../../src/core/errors';
import type { Progress } from '../../../src/core/types';

let root: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'arlab-sets-'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Writes `files` (path → bytes or text) under a fresh folder and returns its path. */
async function folder(name: string, files: Record<string, Uint8Array | string>): Promise<string> {
  const dir = join(root, name);
  await mkdir(dir, { recursive: true });
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), content);
  }
  return dir;
}

/** A w×h PNG filled with rgb(r, g, b) (grey when all equal). */
function png(w: number, h: number, [r, g, b]: [number, number, number]): Uint8Array {
  const image = new PNG({ width: w, height: h });
  for (let p = 0; p < w * h; p++) image.data.set([r, g, b, 255], p * 4);
  return new Uint8Array(PNG.sync.write(image));
}

function jpg(w: number, h: number, value: number): Uint8Array {
  return new Uint8Array(jpeg.encode({ data: new Uint8Array(w * h * 4).fill(value), width: w, height: h }, 95).data);
}

/** IDX images (count × 4 × 4, pixel value = 10·label) and labels. */
function idxPair(labels: number[], side = 4): { images: Uint8Array; labels: Uint8Array } {
  const pixels = new Uint8Array(labels.length * side * side);
  labels.forEach((l, n) => pixels.fill(10 * l, n * side * side, (n + 1) * side * side));
  return { images: encodeIdx([labels.length, side, side], pixels), labels: encodeIdx([labels.length], Uint8Array.from(labels)) };
}

/** `count` CIFAR records with labels `label(i)` (one byte for CIFAR-10, coarse + fine for CIFAR-100). */
function cifarBatch(count: number, variant: 'cifar10' | 'cifar100', label: (i: number) => number): Uint8Array {
  const head = variant === 'cifar10' ? 1 : 2;
  const out = new Uint8Array(count * (head + 3072));
  for (let i = 0; i < count; i++) {
    const r = i * (head + 3072);
    if (variant === 'cifar10') out[r] = label(i);
    else (out[r] = label(i) % 20, (out[r + 1] = label(i)));
    out.fill(200, r + head, r + head + 1024);
  }
  return out;
}

async function rejection(promise: Promise<unknown>): Promise<LabError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(LabError);
    const e = err as LabError;
    expect(e.file, 'file').toBeTruthy();
    expect(e.field, 'field').toBeTruthy();
    expect(e.fix, 'fix').toBeTruthy();
    return e;
  }
  throw new Error('expected a LabError');
}

describe('loadLabelledSet accepts', () => {
  it('a folder with one sub-folder per class: PNG and JPEG of any size fitted to the target, RGB → grey, recorded', async () => {
    const dir = await folder('pets', {
      'cat/1.png': png(64, 64, [200, 10, 10]),
      'cat/2.jpg': jpg(40, 30, 128),
      'dog/1.png': png(28, 28, [90, 90, 90]),
      'dog/.DS_Store': 'x',
    });
    const progress: Progress[] = [];
    const set = await loadLabelledSet(dir, { target: [28, 28, 1], onProgress: (p) => progress.push(p) });
    const ds = set.dataset;
    expect([set.format, set.classSource, ds.name, ds.count, ds.height, ds.width, ds.channels]).toEqual(['image-folder', 'folders', 'pets', 3, 28, 28, 1]);
    expect(ds.classNames).toEqual(['cat', 'dog']);
    expect(Array.from(ds.labels)).toEqual([0, 0, 1]);
    expect(set.conversions).toEqual(['resized 64×64 → 28×28, RGB → grey (1 image)', 'resized 40×30 → 28×28 (1 image)']);
    expect(ds.provenance).toContain('resized 64×64 → 28×28, RGB → grey');
    // Luma of rgb(200, 10, 10), unchanged by area resampling of a flat image.
    expect(ds.images[0]).toBeCloseTo((0.299 * 200 + 0.587 * 10 + 0.114 * 10) / 255, 5);
    expect(ds.images[2 * 784 + 100]).toBeCloseTo(90 / 255, 6);
    expect(progress[progress.length - 1]).toMatchObject({ phase: 'decode pets', done: 3, total: 3 });
  });

  it('grey images to an RGB model, and class order from classes.txt', async () => {
    const dir = await folder('grey', { 'b/1.png': png(8, 8, [50, 50, 50]), 'a/1.png': png(8, 8, [100, 100, 100]), 'classes.txt': 'b\na\n' });
    const set = await loadLabelledSet(dir, { target: [8, 8, 3] });
    expect(set.dataset.classNames).toEqual(['b', 'a']);
    expect(set.classSource).toBe('classes.txt');
    expect(Array.from(set.dataset.labels)).toEqual([1, 0]);
    expect(set.dataset.channels).toBe(3);
    expect(Array.from(set.dataset.images.slice(0, 3))).toEqual([100 / 255, 100 / 255, 100 / 255].map(Math.fround));
    expect(set.conversions).toEqual(['grey → RGB (2 images)']);
  });

  it("Teachable Machine's metadata.json labels, and class names given by the caller", async () => {
    const dir = await folder('tm', { 'x/1.png': png(4, 4, [1, 1, 1]), 'y/1.png': png(4, 4, [2, 2, 2]), 'metadata.json': JSON.stringify({ labels: ['y', 'x'], modelName: 'm' }) });
    expect((await loadLabelledSet(dir)).dataset.classNames).toEqual(['y', 'x']);
    const given = await loadLabelledSet(dir, { classNames: ['x', 'y', 'z'] });
    expect([given.classSource, given.dataset.classNames]).toEqual(['given', ['x', 'y', 'z']]);
  });

  it('same-size images need no target', async () => {
    const dir = await folder('same', { 'a/1.png': png(5, 5, [9, 9, 9]), 'b/1.png': png(5, 5, [0, 200, 0]) });
    const set = await loadLabelledSet(dir);
    expect([set.dataset.height, set.dataset.width, set.dataset.channels, set.conversions]).toEqual([5, 5, 3, []]);
  });

  for (const [prefix, gz] of [['', false], ['train-', true], ['t10k-', false]] as const) {
    it(`an IDX pair ${prefix || '(no prefix)'}images-idx3-ubyte${gz ? '.gz' : ''}, as a folder and as one file`, async () => {
      const { images, labels } = idxPair([0, 1, 2, 1]);
      const ext = gz ? '.gz' : '';
      const dir = await folder(`idx-${prefix || 'plain'}${ext}`, { [`${prefix}images-idx3-ubyte${ext}`]: gz ? gzipSync(images) : images, [`${prefix}labels-idx1-ubyte${ext}`]: gz ? gzipSync(labels) : labels, 'README.md': 'MNIST-like' });
      const set = await loadLabelledSet(dir);
      expect([set.format, set.dataset.count, set.dataset.height, set.dataset.channels, set.dataset.classNames]).toEqual(['idx', 4, 4, 1, ['0', '1', '2']]);
      expect(Array.from(set.dataset.labels)).toEqual([0, 1, 2, 1]);
      const one = await loadLabelledSet(join(dir, `${prefix}labels-idx1-ubyte${ext}`), { target: [8, 8, 3] });
      expect([one.dataset.height, one.dataset.width, one.dataset.channels]).toEqual([8, 8, 3]);
      expect(one.conversions).toEqual(['resized 4×4 → 8×8, grey → RGB (4 images)']);
      expect(one.dataset.images[8 * 8 * 3 + 5]).toBeCloseTo(10 / 255, 6);
    });
  }

  it('an IDX pair given as two paths, with names from classes.txt', async () => {
    const { images, labels } = idxPair([1, 0]);
    const dir = await folder('idx-two', { 'imgs-idx3-ubyte': images, 'lbls-idx1-ubyte': labels, 'classes.txt': 'zero\none\n' });
    const set = await loadLabelledSet(`${join(dir, 'imgs-idx3-ubyte')},${join(dir, 'lbls-idx1-ubyte')},${join(dir, 'classes.txt')}`);
    expect(set.dataset.classNames).toEqual(['zero', 'one']);
  });

  it('CIFAR-10 batches (class names built in) and CIFAR-100 with fine label names', async () => {
    const ten = await folder('cifar10', { 'data_batch_1.bin': cifarBatch(3, 'cifar10', (i) => i), 'test_batch.bin': cifarBatch(2, 'cifar10', (i) => 9 - i), 'batches.meta.txt': 'airplane\nautomobile\nbird\ncat\ndeer\ndog\nfrog\nhorse\nship\ntruck\n' });
    const a = await loadLabelledSet(ten, { target: [32, 32, 3] });
    expect([a.format, a.dataset.count, a.dataset.channels, a.dataset.classNames[9], a.conversions]).toEqual(['cifar10', 5, 3, 'truck', []]);
    expect(Array.from(a.dataset.labels)).toEqual([0, 1, 2, 9, 8]);
    const names = Array.from({ length: 100 }, (_, i) => `c${i}`).join('\n');
    const hundred = await folder('cifar100', { 'test.bin': cifarBatch(4, 'cifar100', (i) => 50 + i), 'fine_label_names.txt': names });
    const b = await loadLabelledSet(join(hundred, 'test.bin'), { target: [16, 16, 1] });
    expect([b.format, b.dataset.count, b.dataset.classNames.length, b.dataset.classNames[51], b.dataset.height, b.dataset.channels]).toEqual(['cifar100', 4, 100, 'c51', 16, 1]);
    expect(b.conversions).toEqual(['resized 32×32 → 16×16, RGB → grey (4 images)']);
  });

  it('gives a stable identity: name, count, shape, classes and a content hash', async () => {
    const dir = await folder('ident', { 'a/1.png': png(4, 4, [1, 2, 3]), 'b/1.png': png(4, 4, [3, 2, 1]) });
    const one = await datasetIdentity((await loadLabelledSet(dir)).dataset);
    const two = await datasetIdentity((await loadLabelledSet(dir)).dataset);
    expect(one).toEqual(two);
    expect(one).toMatchObject({ name: 'ident', count: 2, shape: [4, 4, 3], classNames: ['a', 'b'] });
    expect(one.hash).toMatch(/^sha256:[0-9a-f]{64}$/);
    const other = await folder('ident2', { 'a/1.png': png(4, 4, [1, 2, 4]), 'b/1.png': png(4, 4, [3, 2, 1]) });
    expect((await datasetIdentity((await loadLabelledSet(other)).dataset)).hash).not.toBe(one.hash);
  });
});

describe('loadLabelledSet refuses, naming file, field and fix', () => {
  it('an empty folder, and one without images', async () => {
    const empty = await folder('empty', {});
    expect((await rejection(loadLabelledSet(empty))).message).toMatch(/"empty" is empty: it holds no files/);
    const onlyText = await folder('text-only', { 'classes.txt': 'a\nb' });
    expect((await rejection(loadLabelledSet(onlyText))).message).toMatch(/holds no images/);
  });

  it('one class only', async () => {
    const dir = await folder('one-class', { 'cat/1.png': png(4, 4, [1, 1, 1]), 'cat/2.png': png(4, 4, [2, 2, 2]) });
    const err = await rejection(loadLabelledSet(dir));
    expect(err.message).toMatch(/holds images of one class only \("cat", 2 images\)/);
    expect(err.field).toBe('classes');
    const { images, labels } = idxPair([3, 3, 3]);
    const idx = await folder('idx-one-class', { 'images-idx3-ubyte': images, 'labels-idx1-ubyte': labels });
    expect((await rejection(loadLabelledSet(idx))).message).toMatch(/one class only \("3", 3 images\)/);
  });

  it('labels out of range', async () => {
    const { images, labels } = idxPair([0, 1, 7]);
    const dir = await folder('idx-range', { 'images-idx3-ubyte': images, 'labels-idx1-ubyte': labels, 'classes.txt': 'a\nb\nc' });
    const err = await rejection(loadLabelledSet(dir));
    expect(err.message).toMatch(/labels-idx1-ubyte contains label 7, but the dataset has only 3 classes/);
    expect(err.field).toBe('labels');
    const cifar = await folder('cifar-range', { 'data_batch_1.bin': cifarBatch(2, 'cifar10', (i) => (i === 1 ? 12 : 0)) });
    expect((await rejection(loadLabelledSet(cifar))).message).toMatch(/record 1 has label 12, but there are only 10 classes/);
  });

  it('images of mixed sizes when no target size is given', async () => {
    const dir = await folder('mixed', { 'a/1.png': png(4, 4, [1, 1, 1]), 'b/1.png': png(6, 5, [1, 1, 1]) });
    const err = await rejection(loadLabelledSet(dir));
    expect(err.message).toBe('b/1.png is 6×5 but a/1.png is 4×4; without a target size all images must have the same size.');
    expect(err.fix).toMatch(/fits each image to the model's input/);
  });

  it('a set too large, before anything is read or decoded', async () => {
    const dir = await folder('big', { 'a/1.png': png(4, 4, [1, 1, 1]), 'b/1.png': 'not even an image' });
    const err = await rejection(loadLabelledSet(dir, { maxFileBytes: 50 }));
    expect(err.message).toMatch(/^big holds 1 kB of files \(2 files, the largest a\/1\.png at 1 kB\); the lab reads sets up to 1 kB/);
    expect(err.field).toBe('size');
    const pixels = await rejection(loadLabelledSet(await folder('big-pixels', { 'a/1.png': png(4, 4, [1, 1, 1]), 'b/1.png': png(4, 4, [9, 9, 9]) }), { target: [224, 224, 3], maxPixelBytes: 1e5 }));
    expect(pixels.message).toMatch(/2 images of 224×224×3 take 1\.1 MB as float32 pixels/);
  });

  it('classes differing from the model\'s, naming the mismatch', async () => {
    const dir = await folder('drift', { 'cat/1.png': png(4, 4, [1, 1, 1]), 'dog/1.png': png(4, 4, [2, 2, 2]), 'owl/1.png': png(4, 4, [3, 3, 3]) });
    const set = (await loadLabelledSet(dir)).dataset;
    const count = await rejection(Promise.resolve().then(() => matchModelClasses(set, { numClasses: 10 })));
    expect(count.message).toBe('The set "drift" has 3 classes (cat, dog, owl), but the model outputs 10 classes.');
    const names = await rejection(Promise.resolve().then(() => matchModelClasses(set, { numClasses: 3, classNames: ['cat', 'dog', 'bird'] })));
    expect(names.message).toBe('The classes of "drift" differ from the model\'s: the set lacks bird; the model has no class owl.');
    const reordered = matchModelClasses(set, { numClasses: 3, classNames: ['owl', 'cat', 'dog'] });
    expect(Array.from(reordered.labels)).toEqual([1, 2, 0]);
    expect(matchModelClasses(set, { numClasses: 3, classNames: null })).toBe(set);
    const folderErr = await rejection(loadLabelledSet(dir, { classNames: ['cat', 'dog', 'bird'] }));
    expect(folderErr.message).toMatch(/The class folder owl is not among the 3 classes named by the model \(cat, dog, bird\)/);
  });

  it('a lone IDX file, two IDX pairs, files outside class folders, and non-images', async () => {
    const { images, labels } = idxPair([0, 1]);
    expect((await rejection(loadLabelledSet(await folder('idx-lone', { 'train-images-idx3-ubyte': images })))).message).toMatch(/train-images-idx3-ubyte has no matching IDX labels file/);
    const two = await folder('idx-two-pairs', { 'train-images-idx3-ubyte': images, 'train-labels-idx1-ubyte': labels, 't10k-images-idx3-ubyte': images, 't10k-labels-idx1-ubyte': labels });
    expect((await rejection(loadLabelledSet(two))).message).toMatch(/holds 2 IDX pairs/);
    expect((await rejection(loadLabelledSet(await folder('loose', { '1.png': png(4, 4, [1, 1, 1]) })))).message).toMatch(/1\.png is not inside a class folder/);
    expect((await rejection(loadLabelledSet(await folder('notes', { 'a/1.png': png(4, 4, [1, 1, 1]), 'b/notes.txt': 'hi' })))).message).toMatch(/b\/notes\.txt is not an image file/);
    expect((await rejection(loadLabelledSet(join(root, 'nowhere')))).message).toMatch(/does not exist/);
  });
});

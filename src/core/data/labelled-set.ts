/**
 * One loader for a user's labelled image set, whatever its format, over in-memory files (the
 * browser's dropped files and the CLI's files read from disk both end here): a folder with one
 * sub-folder per class, an IDX images + labels pair (any prefix such as train- or t10k-, gzip
 * or not), or CIFAR-10/100 binary batches. Images of any size are fitted to a target [H, W, C]
 * (the model's input) and the fitting is recorded. Every refusal is a LabError with file, field and fix.
 */
import { LabError } from '../errors';
import { phaseReporter, yieldToEventLoop } from '../progress';
import type { ProgressCallback } from '../types';
import { loadCifarBatches } from './cifar';
import { isClassListFile, readClassList } from './class-list';
import type { Dataset } from './dataset';
import { describeFit, fitImage, type PixelShape } from './fit-image';
import { decodeOne, isClutter, sniffImageType, type DecodedImage, type FolderFile, type ImageDecoder } from './image-folder';
import { loadIdxDataset } from './idx';
import { checkFileBytes, checkPixelBytes, MAX_SET_FILE_BYTES, MAX_SET_PIXEL_BYTES } from './set-limits';

export type LabelledSetFormat = 'image-folder' | 'idx' | 'cifar10' | 'cifar100';

export interface LabelledSetOptions {
  /** The set's name (default 'my-images'). */
  name?: string;
  /** Fit every image to [H, W, C] (the model's input); without it image sizes must agree. */
  target?: readonly [number, number, number];
  /** Class names in label order to use (e.g. the model's); class folders must be among them. Else classes.txt, metadata.json, folder names or numbers. */
  classNames?: readonly string[];
  /** CIFAR-100: fine (100 classes, default) or coarse (20) labels. */
  cifarLabels?: 'fine' | 'coarse';
  onProgress?: ProgressCallback;
  /** Limits (bytes); defaults MAX_SET_FILE_BYTES and MAX_SET_PIXEL_BYTES. */
  maxFileBytes?: number;
  maxPixelBytes?: number;
}

export interface LabelledSet {
  dataset: Dataset;
  format: LabelledSetFormat;
  /** Where the class names came from. */
  classSource: 'given' | 'folders' | 'numbered' | string;
  /** What fitting to the target did, e.g. "resized 64×64 → 28×28, RGB → grey (40 images)"; [] when nothing changed. */
  conversions: string[];
}

/** The largest image side read when fitting to a target (decoding cost guard). */
export const MAX_SOURCE_SIDE = 4096;

const baseOf = (path: string): string => path.split('/').pop() ?? path;

/** 'images' or 'labels' for an IDX file name (train-images-idx3-ubyte[.gz], labels.idx…), else null. */
export function idxRole(path: string): 'images' | 'labels' | null {
  const name = baseOf(path).toLowerCase().replace(/\.gz$/, '');
  if (/idx3[-_.]ubyte$/.test(name) || (/image/.test(name) && /\.idx$/.test(name))) return 'images';
  if (/idx1[-_.]ubyte$/.test(name) || (/label/.test(name) && /\.idx$/.test(name))) return 'labels';
  return null;
}

/** The CIFAR variant a batch file name belongs to, else null. */
export function cifarVariant(path: string): 'cifar10' | 'cifar100' | null {
  const name = baseOf(path).toLowerCase();
  if (/^(data_batch_\d+|test_batch)\.bin$/.test(name)) return 'cifar10';
  if (/^(train|test)\.bin$/.test(name)) return 'cifar100';
  return null;
}

/** Loads a labelled set from its files (paths relative to the set, '/'-separated). */
export async function loadLabelledFiles(files: readonly FolderFile[], decode: ImageDecoder, options: LabelledSetOptions = {}): Promise<LabelledSet> {
  const name = options.name ?? 'my-images';
  const kept = files.filter((f) => !isClutter(f.path));
  if (kept.length === 0) throw new LabError(`The set "${name}" is empty: it holds no files.`, { file: name, field: 'files', fix: 'Give a folder with one sub-folder of PNG/JPEG images per class, an IDX images + labels pair, or CIFAR binary batches.' });
  checkFileBytes(kept.map((f) => ({ path: f.path, size: f.bytes.length })), name, options.maxFileBytes ?? MAX_SET_FILE_BYTES);
  const idx = kept.filter((f) => idxRole(f.path) !== null);
  const cifar = kept.filter((f) => cifarVariant(f.path) !== null);
  let set: LabelledSet;
  if (idx.length > 0) set = await loadIdxFiles(idx, kept, name, options);
  else if (cifar.length > 0) set = loadCifarFiles(cifar, kept, name, options);
  else set = await loadClassFolders(kept, decode, name, options);
  checkPixelBytes(set.dataset.count, [set.dataset.height, set.dataset.width, set.dataset.channels], name, options.maxPixelBytes ?? MAX_SET_PIXEL_BYTES);
  checkSeveralClasses(set.dataset, name);
  return set;
}

/** Class names: given, else from the set's class list file, else `fallback`. */
function classNamesFor(files: readonly FolderFile[], options: LabelledSetOptions, fallback: () => { names: string[] | undefined; source: string }, cifarKind?: 'fine' | 'coarse' | 'cifar10'): { names: string[] | undefined; source: string } {
  if (options.classNames) return { names: [...options.classNames], source: 'given' };
  const listed = readClassList(files, cifarKind);
  return listed ? { names: listed.names, source: baseOf(listed.file) } : fallback();
}

async function loadIdxFiles(idx: readonly FolderFile[], all: readonly FolderFile[], name: string, options: LabelledSetOptions): Promise<LabelledSet> {
  const key = (p: string): string => baseOf(p).toLowerCase().replace(/\.gz$/, '').replace(/images?|labels?/, '*').replace(/idx[13]/, 'idx#');
  const groups = new Map<string, { images?: FolderFile; labels?: FolderFile }>();
  for (const f of idx) {
    const g = groups.get(key(f.path)) ?? {};
    const role = idxRole(f.path) as 'images' | 'labels';
    if (g[role]) throw new LabError(`Two IDX ${role} files look like one pair: ${g[role]!.path} and ${f.path}.`, { file: f.path, field: 'files', fix: 'Keep one copy (e.g. either the .gz or the unpacked file).' });
    g[role] = f;
    groups.set(key(f.path), g);
  }
  const roles = idx.map((f) => idxRole(f.path));
  if (groups.size > 1 && roles.filter((r) => r === 'images').length === 1 && roles.length === 2) {
    // One images file and one labels file: a pair whatever their names.
    groups.clear();
    groups.set('pair', { images: idx[roles.indexOf('images')], labels: idx[roles.indexOf('labels')] });
  }
  const pairs = [...groups.values()].filter((g) => g.images && g.labels);
  const lone = [...groups.values()].find((g) => !g.images || !g.labels);
  if (pairs.length === 0 && lone) {
    const has = (lone.images ?? lone.labels) as FolderFile;
    const lacks = lone.images ? 'labels' : 'images';
    throw new LabError(`${has.path} has no matching IDX ${lacks} file.`, { file: has.path, field: 'files', fix: `Add the ${lacks} file of the same split (e.g. ${lacks === 'labels' ? 't10k-labels-idx1-ubyte next to t10k-images-idx3-ubyte' : 't10k-images-idx3-ubyte next to t10k-labels-idx1-ubyte'}).` });
  }
  if (pairs.length > 1) {
    throw new LabError(`The set "${name}" holds ${pairs.length} IDX pairs (${pairs.map((p) => baseOf(p.images!.path)).join(', ')}); the lab loads one pair per set.`, { file: name, field: 'files', fix: 'Give one images + labels pair (e.g. the t10k files only), or put each split in its own folder.' });
  }
  const { images, labels } = pairs[0] as { images: FolderFile; labels: FolderFile };
  const classes = classNamesFor(all, options, () => ({ names: undefined, source: 'numbered' }));
  const ds = await loadIdxDataset({ name: images.path, bytes: images.bytes }, { name: labels.path, bytes: labels.bytes }, { name, classNames: classes.names, provenance: `IDX files ${baseOf(images.path)} + ${baseOf(labels.path)}` });
  return fitDataset(ds, 'idx', classes.source, options);
}

function loadCifarFiles(cifar: readonly FolderFile[], all: readonly FolderFile[], name: string, options: LabelledSetOptions): LabelledSet {
  const variants = new Set(cifar.map((f) => cifarVariant(f.path)));
  if (variants.size > 1) throw new LabError(`The set "${name}" mixes CIFAR-10 batches (data_batch_N.bin, test_batch.bin) and CIFAR-100 files (train.bin, test.bin).`, { file: name, field: 'files', fix: 'Give the batches of one CIFAR release only.' });
  const variant = [...variants][0] as 'cifar10' | 'cifar100';
  const kind = variant === 'cifar10' ? 'cifar10' : options.cifarLabels ?? 'fine';
  const classes = classNamesFor(all, options, () => ({ names: undefined, source: variant === 'cifar10' ? 'CIFAR-10 class names' : 'numbered' }), kind);
  const sorted = [...cifar].sort((a, b) => (a.path < b.path ? -1 : 1));
  const ds = loadCifarBatches(sorted.map((f) => ({ name: f.path, bytes: f.bytes })), { name, variant, labelKind: options.cifarLabels, classNames: classes.names });
  return fitDataset(ds, variant, classes.source, options);
}

/** IDX and CIFAR sets have one size: fit them to the target when it differs. */
function fitDataset(ds: Dataset, format: LabelledSetFormat, classSource: string, options: LabelledSetOptions): LabelledSet {
  const from = { height: ds.height, width: ds.width, channels: ds.channels };
  const to = targetShape(options.target) ?? from;
  const change = describeFit(from, to);
  if (!change) return { dataset: ds, format, classSource, conversions: [] };
  checkPixelBytes(ds.count, [to.height, to.width, to.channels], ds.name, options.maxPixelBytes ?? MAX_SET_PIXEL_BYTES);
  const size = from.height * from.width * from.channels;
  const out = new Float32Array(ds.count * to.height * to.width * to.channels);
  for (let n = 0; n < ds.count; n++) out.set(fitImage(ds.images.subarray(n * size, (n + 1) * size), from, to), n * to.height * to.width * to.channels);
  const note = `${change} (${ds.count} images)`;
  return { dataset: { ...ds, images: out, height: to.height, width: to.width, channels: to.channels, provenance: `${ds.provenance}; ${note}` }, format, classSource, conversions: [note] };
}

function targetShape(target: LabelledSetOptions['target']): PixelShape | null {
  if (!target) return null;
  const [height, width, channels] = target;
  if (![height, width, channels].every((d) => Number.isInteger(d) && d >= 1) || channels > 4) {
    throw new LabError(`The target image shape [${target.join(', ')}] is not [height, width, channels] with 1–4 channels.`, { field: 'target', fix: "Pass the model's input shape, e.g. [28, 28, 1]." });
  }
  return { height, width, channels };
}

const classOf = (path: string): string => {
  const parts = path.split('/').filter((p) => p.length > 0);
  if (parts.length < 2) throw new LabError(`${path} is not inside a class folder.`, { file: path, field: 'folder layout', fix: 'Put every image in a sub-folder named after its class, e.g. cat/001.png.' });
  return parts[parts.length - 2];
};

async function loadClassFolders(files: readonly FolderFile[], decode: ImageDecoder, name: string, options: LabelledSetOptions): Promise<LabelledSet> {
  const images = files.filter((f) => !isClassListFile(f.path)).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  if (images.length === 0) throw new LabError(`The set "${name}" holds no images.`, { file: name, field: 'files', fix: 'Put PNG or JPEG images in one sub-folder per class, e.g. cat/001.png, dog/001.png.' });
  for (const f of images) {
    if (sniffImageType(f.bytes) === null) throw new LabError(`${f.path} is not an image file.`, { file: f.path, field: 'file type', fix: 'Remove it from the folder; only PNG, JPEG, GIF, BMP and WebP images are read.' });
  }
  const folders = [...new Set(images.map((f) => classOf(f.path)))].sort();
  const classes = classNamesFor(files, options, () => ({ names: folders, source: 'folders' }));
  const classNames = classes.names as string[];
  const unknown = folders.filter((c) => !classNames.includes(c));
  if (unknown.length > 0) {
    throw new LabError(`The class folder${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} ${unknown.length > 1 ? 'are' : 'is'} not among the ${classNames.length} classes named by ${classes.source === 'given' ? 'the model' : classes.source} (${classNames.join(', ')}).`, {
      file: unknown[0],
      field: 'classes',
      fix: `Rename the folder${unknown.length > 1 ? 's' : ''} to one of the listed classes, or remove ${unknown.length > 1 ? 'them' : 'it'}.`,
    });
  }
  const target = targetShape(options.target);
  if (target) checkPixelBytes(images.length, [target.height, target.width, target.channels], name, options.maxPixelBytes ?? MAX_SET_PIXEL_BYTES);
  const report = phaseReporter(`decode ${name}`, images.length, options.onProgress);
  const decoded: DecodedImage[] = [];
  const fitted: Float32Array[] = [];
  const notes = new Map<string, number>();
  for (let i = 0; i < images.length; i++) {
    const file = images[i];
    const image = await decodeOne(file, decode, target ? MAX_SOURCE_SIDE : undefined);
    if (target) {
      const from = { height: image.height, width: image.width, channels: image.channels === 1 || isGrey(image) ? 1 : 3 };
      const change = describeFit(from, target);
      if (change) notes.set(change, (notes.get(change) ?? 0) + 1);
      fitted.push(fitImage(image.data, { height: image.height, width: image.width, channels: image.channels }, target, 1 / 255));
    } else {
      const first = decoded[0] ?? image;
      if (image.width !== first.width || image.height !== first.height) {
        throw new LabError(`${file.path} is ${image.width}×${image.height} but ${images[0].path} is ${first.width}×${first.height}; without a target size all images must have the same size.`, {
          file: file.path,
          field: 'image size',
          fix: `Resize every image to ${first.width}×${first.height}, or load the set for a model so the lab fits each image to the model's input.`,
        });
      }
      decoded.push(image);
    }
    report(i + 1);
    if (i % 64 === 63) await yieldToEventLoop();
  }
  const labels = Int32Array.from(images, (f) => classNames.indexOf(classOf(f.path)));
  const conversions = [...notes].map(([change, count]) => `${change} (${count} image${count > 1 ? 's' : ''})`);
  const dataset = target ? packFitted(fitted, target, labels, classNames, name, conversions) : packDecoded(decoded, labels, classNames, name);
  return { dataset, format: 'image-folder', classSource: classes.source, conversions };
}

function isGrey(im: DecodedImage): boolean {
  for (let i = 0; i < im.data.length; i += im.channels) if (im.data[i] !== im.data[i + 1] || im.data[i] !== im.data[i + 2]) return false;
  return true;
}

function provenanceOf(name: string, count: number, classes: number, conversions: readonly string[]): string {
  return `Image folder "${name}": ${count} images in ${classes} classes${conversions.length > 0 ? `; ${conversions.join('; ')}` : ''}`;
}

function packFitted(fitted: Float32Array[], target: PixelShape, labels: Int32Array, classNames: string[], name: string, conversions: string[]): Dataset {
  const size = target.height * target.width * target.channels;
  const images = new Float32Array(fitted.length * size);
  fitted.forEach((f, n) => images.set(f, n * size));
  return { name, images, labels, count: fitted.length, height: target.height, width: target.width, channels: target.channels, classNames, provenance: provenanceOf(name, fitted.length, classNames.length, conversions) };
}

/** Without a target: grey (1 channel) when every image is grey, else RGB; alpha dropped. */
function packDecoded(decoded: DecodedImage[], labels: Int32Array, classNames: string[], name: string): Dataset {
  const { width, height } = decoded[0];
  const channels = decoded.every((im) => im.channels === 1 || isGrey(im)) ? 1 : 3;
  const shape = { height, width, channels };
  const size = height * width * channels;
  const images = new Float32Array(decoded.length * size);
  decoded.forEach((im, n) => images.set(fitImage(im.data, { height, width, channels: im.channels }, shape, 1 / 255), n * size));
  return { name, images, labels, count: decoded.length, height, width, channels, classNames, provenance: provenanceOf(name, decoded.length, classNames.length, []) };
}

/** A set must hold images of at least two classes: a classifier cannot be repaired on one. */
function checkSeveralClasses(ds: Dataset, name: string): void {
  const present = new Set(ds.labels);
  if (present.size >= 2) return;
  const only = ds.classNames[ds.labels[0]] ?? String(ds.labels[0]);
  throw new LabError(`The set "${name}" holds images of one class only ("${only}", ${ds.count} images).`, { file: name, field: 'classes', fix: 'Add images of the other classes (one sub-folder per class); accuracy on one class cannot tell a repair from a constant answer.' });
}

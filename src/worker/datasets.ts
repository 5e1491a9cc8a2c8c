/** The Data step in the worker: bundled and dropped datasets, sample grids, the corruption grid. */
import { LabError } from '../core/errors';
import { BUNDLED_DATASET_NAMES, loadBundledDataset, loadBundledManifest, type BundledDatasetName } from '../core/data/bundled';
import { imageSize, subset, type Dataset } from '../core/data/dataset';
import { bundledTrainingSplitOf } from '../core/data/training-splits';
import { loadImageFolder } from '../core/data/image-folder';
import { decodeImageInBrowser } from '../core/data/decode-browser';
import { loadIdxDataset } from '../core/data/idx';
import { loadCifarBatches } from '../core/data/cifar';
import { CORRUPTION_FAMILY, CORRUPTION_NAMES, SEVERITIES, corruptImage } from '../core/data/corruptions';
import { createRng, shuffled } from '../core/random';
import { getDataset, putDataset, type LabDb } from '../store';
import type { AssetReader } from './assets';
import type { CorruptionGrid, DatasetInfo, DatasetView, ImageBatch } from './lab-types';
import type { Workspace } from './workspace';

/** Images shown in the sample grid. */
const SAMPLE_COUNT = 32;

/** The bundled datasets listed in public/data/index.json. */
export async function listBundled(read: AssetReader): Promise<DatasetInfo[]> {
  const manifest = await loadBundledManifest((p) => read(`data/${p}`));
  return manifest.datasets.map((d) => ({ name: d.name, title: d.title, count: d.count, shape: d.shape, classNames: d.classNames, provenance: d.provenance, source: 'bundled' }));
}

/** Opens a bundled dataset: from the IndexedDB cache when present, else fetched and then cached. */
export async function openBundled(ws: Workspace, db: LabDb, read: AssetReader, name: string): Promise<DatasetView> {
  if (!(BUNDLED_DATASET_NAMES as readonly string[]).includes(name)) {
    throw new LabError(`"${name}" is not a bundled dataset.`, { field: 'dataset', fix: `Use one of: ${BUNDLED_DATASET_NAMES.join(', ')}.` });
  }
  const { dataset: ds, fromCache } = await bundledCached(db, read, name as BundledDatasetName);
  const trainingName = bundledTrainingSplitOf(name);
  const training = trainingName ? (await bundledCached(db, read, trainingName)).dataset : null;
  const info: DatasetInfo = { name: ds.name, title: ds.name, count: ds.count, shape: [ds.height, ds.width, ds.channels], classNames: ds.classNames, provenance: ds.provenance, source: 'bundled' };
  ws.setDataset(ds, info, training);
  return datasetView(ds, info, fromCache);
}

/** A bundled dataset from the IndexedDB cache when present, else fetched and then cached. */
async function bundledCached(db: LabDb, read: AssetReader, name: BundledDatasetName): Promise<{ dataset: Dataset; fromCache: boolean }> {
  const cached = await getDataset(db, name).catch(() => ({ dataset: null }));
  if (cached.dataset) return { dataset: cached.dataset, fromCache: true };
  const dataset = await loadBundledDataset(name, (p) => read(`data/${p}`));
  // A full or blocked store only loses the cache, never the lesson.
  await putDataset(db, dataset).catch(() => undefined);
  return { dataset, fromCache: false };
}

/** Reopens a dataset cached under `name` (an imported one, for resume). */
export async function openCached(ws: Workspace, db: LabDb, read: AssetReader, name: string): Promise<DatasetView> {
  if ((BUNDLED_DATASET_NAMES as readonly string[]).includes(name)) return openBundled(ws, db, read, name);
  const { dataset } = await getDataset(db, name);
  if (!dataset) throw new LabError(`The dataset "${name}" is no longer stored in this browser.`, { field: 'dataset', fix: 'Drop the dataset files again in the Data step.' });
  const info = infoOf(dataset, 'imported');
  ws.setDataset(dataset, info);
  return datasetView(dataset, info, true);
}

/**
 * Reads dropped dataset files: an IDX images + labels pair (MNIST style, gzip allowed), CIFAR
 * binary batches, or a folder with one sub-folder of images per class. Stores it for resume.
 */
export async function importDataset(ws: Workspace, db: LabDb, files: { name: string; bytes: Uint8Array }[]): Promise<DatasetView> {
  if (files.length === 0) throw new LabError('No files were dropped.', { field: 'files', fix: 'Drop a folder with one sub-folder per class, or IDX / CIFAR files.' });
  const base = (p: string) => p.split('/').pop() ?? p;
  const root = files[0].name.includes('/') ? files[0].name.split('/')[0] : 'my-images';
  let name = (BUNDLED_DATASET_NAMES as readonly string[]).includes(root) ? `my-${root}` : root;
  let ds: Dataset;
  const idx = files.filter((f) => /idx[13]|ubyte|\.idx(\.gz)?$/i.test(base(f.name)));
  const cifar = files.filter((f) => /(data|test)_batch(_\d+)?\.bin$/i.test(base(f.name)) || /^(train|test)\.bin$/i.test(base(f.name)));
  if (idx.length >= 2) {
    const labels = idx.find((f) => /label|idx1/i.test(base(f.name)));
    const images = idx.find((f) => f !== labels);
    if (!labels || !images) throw new LabError('Two IDX files are needed: images and labels.', { file: idx.map((f) => base(f.name)).join(', '), field: 'files', fix: 'Drop an images file (idx3) with its labels file (idx1), e.g. t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte.' });
    ds = await loadIdxDataset({ name: base(images.name), bytes: images.bytes }, { name: base(labels.name), bytes: labels.bytes }, { name, provenance: `dropped IDX files ${base(images.name)} + ${base(labels.name)}` });
  } else if (cifar.length > 0) {
    const isHundred = cifar.some((f) => /^(train|test)\.bin$/i.test(base(f.name)));
    ds = loadCifarBatches(cifar.map((f) => ({ name: base(f.name), bytes: f.bytes })), { name, variant: isHundred ? 'cifar100' : 'cifar10' });
  } else {
    // Paths start with the dropped folder's name; the class is each image's parent folder.
    ds = await loadImageFolder(files.map((f) => ({ path: f.name, bytes: f.bytes })), decodeImageInBrowser, name);
  }
  name = ds.name;
  const info = { ...infoOf(ds, 'imported'), name };
  await putDataset(db, ds).catch(() => undefined);
  ws.setDataset(ds, info);
  return datasetView(ds, info, false);
}

/** Sample grid (seeded) and class histogram of a dataset. */
export function datasetView(ds: Dataset, info: DatasetInfo, fromCache: boolean): DatasetView {
  const histogram = new Array<number>(ds.classNames.length).fill(0);
  for (const l of ds.labels) histogram[l]++;
  const picks = shuffled(Array.from({ length: ds.count }, (_, i) => i), createRng(7)).slice(0, SAMPLE_COUNT);
  return { info, samples: batchOf(ds, picks), histogram, fromCache };
}

/** Every corruption at severities 1..5 on `perCell` images of the current dataset (seeded). */
export function corruptionGrid(ws: Workspace, perCell: number, seed: number): CorruptionGrid {
  const ds = requireDataset(ws);
  const count = Math.max(1, Math.min(4, Math.floor(perCell)));
  const picks = shuffled(Array.from({ length: ds.count }, (_, i) => i), createRng(seed + 11)).slice(0, count);
  const clean = batchOf(ds, picks);
  const size = imageSize(ds);
  const shape = { height: ds.height, width: ds.width, channels: ds.channels };
  const total = CORRUPTION_NAMES.length * SEVERITIES.length * count;
  const pixels = new Float32Array(total * size);
  const labels = new Int32Array(total);
  let k = 0;
  for (const name of CORRUPTION_NAMES) {
    for (const severity of SEVERITIES) {
      picks.forEach((index, i) => {
        const image = clean.pixels.subarray(i * size, (i + 1) * size);
        pixels.set(corruptImage(image, shape, name, severity, seed, index), k * size);
        labels[k++] = ds.labels[index];
      });
    }
  }
  return {
    corruptions: CORRUPTION_NAMES.map((n) => ({ name: n, family: CORRUPTION_FAMILY[n] })),
    severities: [...SEVERITIES],
    imagesPerCell: count,
    clean,
    images: { pixels, labels, shape: [total, ds.height, ds.width, ds.channels] },
  };
}

/** Images at `indices` of `ds` as an ImageBatch. */
export function batchOf(ds: Dataset, indices: readonly number[], predictions?: ArrayLike<number>): ImageBatch {
  const part = subset(ds, indices);
  return {
    pixels: part.images,
    shape: [part.count, ds.height, ds.width, ds.channels],
    labels: part.labels,
    predictions: predictions ? Int32Array.from(predictions) : undefined,
  };
}

export function requireDataset(ws: Workspace): Dataset {
  if (!ws.dataset) throw new LabError('Choose a dataset first.', { field: 'dataset', fix: 'Pick a dataset (or drop one) in the Data step.' });
  return ws.dataset;
}

function infoOf(ds: Dataset, source: DatasetInfo['source']): DatasetInfo {
  return { name: ds.name, title: ds.name, count: ds.count, shape: [ds.height, ds.width, ds.channels], classNames: ds.classNames, provenance: ds.provenance, source };
}

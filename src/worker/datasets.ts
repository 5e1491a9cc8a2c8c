/** The Data step in the worker: bundled and dropped datasets, sample grids, the corruption grid. */
import { LabError } from '../core/errors';
import { BUNDLED_DATASET_NAMES, loadBundledDataset, loadBundledManifest, type BundledDatasetName } from '../core/data/bundled';
import { imageSize, subset, type Dataset } from '../core/data/dataset';
import { bundledTrainingSplitOf } from '../core/data/training-splits';
import type { ImageDecoder } from '../core/data/image-folder';
import { loadDroppedSet, type DroppedFile } from '../core/data/dropped-set';
import type { ProgressCallback } from '../core/types';
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

/** Limits on a dropped set in bytes (defaults: the core's MAX_SET_FILE_BYTES and MAX_SET_PIXEL_BYTES). */
export interface SetLimits {
  maxFileBytes?: number;
  maxPixelBytes?: number;
}

/** A dropped set's name: the dropped folder's (the first path part all files share), else `fallback`; a name in `taken` gets "my-" in front. */
export function droppedSetName(files: readonly DroppedFile[], taken: readonly string[], fallback: string): string {
  const roots = new Set(files.map((f) => (f.path.includes('/') ? f.path.split('/')[0] : '')));
  const name = (roots.size === 1 ? [...roots][0] : '') || fallback;
  return taken.includes(name) ? `my-${name}` : name;
}

/**
 * Reads a dropped clean set with the core loader (a folder with one sub-folder of images per
 * class, an IDX images + labels pair, or CIFAR binary batches; sizes checked before reading),
 * fitted to the open model's input when there is one. Stores it for resume.
 */
export async function importDataset(ws: Workspace, db: LabDb, files: readonly DroppedFile[], decode: ImageDecoder, onProgress?: ProgressCallback, limits: SetLimits = {}): Promise<DatasetView> {
  if (files.length === 0) throw new LabError('No files were dropped.', { field: 'files', fix: 'Drop a folder with one sub-folder per class, or IDX / CIFAR files.' });
  const name = droppedSetName(files, BUNDLED_DATASET_NAMES, 'my-images');
  const [h, w, c] = ws.current?.graph.inputShape ?? [];
  const target = ws.current ? ([h, w, c] as const) : undefined;
  const { dataset: ds } = await loadDroppedSet(files, { name, target, ...limits, onProgress }, decode);
  const info = infoOf(ds, 'imported');
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

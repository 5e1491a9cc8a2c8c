/** Cached datasets in the `datasets` store, converted to and from the lab's Dataset form. */
import type { Dataset } from '../core/data/dataset';
import type { LabDb } from './db';
import { RECORD_VERSION, type DatasetRecord } from './records';
import { checkDataset, skipWarning } from './validate';

/** One row of the dataset cache list (no pixels). */
export interface DatasetSummary {
  name: string;
  count: number;
  /** [height, width, channels]. */
  imageShape: [number, number, number];
  classNames: string[];
  provenance: string;
  sizeBytes: number;
}

/** Pixels as uint8 when every value is an exact k/255 (8-bit sources: 4× smaller), else float32. */
export function datasetToRecord(ds: Dataset, now = Date.now()): DatasetRecord {
  const bytes = new Uint8Array(ds.images.length);
  let isExact = true;
  for (let i = 0; i < ds.images.length && isExact; i++) {
    const q = Math.round(ds.images[i] * 255);
    bytes[i] = q;
    isExact = q >= 0 && q <= 255 && Math.fround(q / 255) === ds.images[i];
  }
  return {
    v: RECORD_VERSION,
    name: ds.name,
    images: isExact ? bytes.buffer : ds.images.slice().buffer,
    imageDtype: isExact ? 'uint8' : 'float32',
    labels: ds.labels.slice().buffer,
    shape: [ds.count, ds.height, ds.width, ds.channels],
    classNames: ds.classNames,
    provenance: ds.provenance,
    cachedAt: now,
  };
}

/** The lab's Dataset (float32 NHWC in [0, 1]) from a stored record. */
export function recordToDataset(rec: DatasetRecord): Dataset {
  const [count, height, width, channels] = rec.shape;
  let images: Float32Array;
  if (rec.imageDtype === 'uint8') {
    const bytes = new Uint8Array(rec.images);
    images = new Float32Array(bytes.length);
    for (let i = 0; i < bytes.length; i++) images[i] = bytes[i] / 255;
  } else {
    images = new Float32Array(rec.images);
  }
  return { name: rec.name, images, labels: new Int32Array(rec.labels), count, height, width, channels, classNames: rec.classNames, provenance: rec.provenance };
}

/** Caches a dataset under its name (replacing an older copy). */
export async function putDataset(db: LabDb, ds: Dataset, now = Date.now()): Promise<void> {
  await db.put('datasets', datasetToRecord(ds, now));
}

/** A cached dataset, or null if missing or unreadable (a warning says why). */
export async function getDataset(db: LabDb, name: string): Promise<{ dataset: Dataset | null; warnings: string[] }> {
  const value: unknown = await db.get('datasets', name);
  if (value === undefined) return { dataset: null, warnings: [] };
  const checked = checkDataset(value);
  return checked.ok ? { dataset: recordToDataset(checked.value), warnings: [] } : { dataset: null, warnings: [skipWarning('datasets', name, checked)] };
}

/** All readable cached datasets without their pixels; bad records become warnings. */
export async function listDatasets(db: LabDb): Promise<{ datasets: DatasetSummary[]; warnings: string[] }> {
  const tx = db.transaction('datasets');
  const [keys, values] = await Promise.all([tx.store.getAllKeys(), tx.store.getAll() as Promise<unknown[]>]);
  const datasets: DatasetSummary[] = [];
  const warnings: string[] = [];
  values.forEach((value, i) => {
    const checked = checkDataset(value);
    if (!checked.ok) return void warnings.push(skipWarning('datasets', keys[i], checked));
    const r = checked.value;
    datasets.push({ name: r.name, count: r.shape[0], imageShape: [r.shape[1], r.shape[2], r.shape[3]], classNames: r.classNames, provenance: r.provenance, sizeBytes: r.images.byteLength + r.labels.byteLength });
  });
  return { datasets, warnings };
}

/** Removes a cached dataset. */
export async function deleteDataset(db: LabDb, name: string): Promise<void> {
  await db.delete('datasets', name);
}

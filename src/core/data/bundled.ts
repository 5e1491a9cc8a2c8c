import { LabError } from '../errors';
import type { Dataset } from './dataset';
import { loadIdxDataset } from './idx';

/** MNIST class names (digits) in label order. */
export const MNIST_CLASSES = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];
/** Fashion-MNIST class names in label order (Zalando's labels; the `fashion-mnist` package numbers its JSON files the same way). */
export const FASHION_CLASSES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];

/** The datasets scripts/prepare-data.ts writes into public/data/ (names are stable ids). */
export const BUNDLED_DATASET_NAMES = ['mnist-test', 'mnist-train-5k', 'fashion-test', 'fashion-train-5k'] as const;
export type BundledDatasetName = (typeof BUNDLED_DATASET_NAMES)[number];

/** One entry of public/data/index.json. */
export interface BundledDatasetEntry {
  name: BundledDatasetName;
  title: string;
  classNames: string[];
  count: number;
  /** [height, width, channels]. */
  shape: [number, number, number];
  /** Paths relative to public/data/. */
  files: { images: string; labels: string };
  provenance: string;
}

/** public/data/index.json. */
export interface BundledManifest {
  version: 1;
  datasets: BundledDatasetEntry[];
}

/** Reads a file of public/data/ by relative path: `fetch` in the browser, the file system in Node. */
export type FetchBytes = (path: string) => Promise<Uint8Array>;

export const MANIFEST_PATH = 'index.json';

/** Fetches and checks public/data/index.json. */
export async function loadBundledManifest(fetchBytes: FetchBytes): Promise<BundledManifest> {
  let manifest: BundledManifest;
  try {
    manifest = JSON.parse(new TextDecoder().decode(await fetchBytes(MANIFEST_PATH))) as BundledManifest;
  } catch (err) {
    throw new LabError(`The bundled dataset list could not be read (${(err as Error).message}).`, {
      file: `data/${MANIFEST_PATH}`,
      field: 'manifest',
      fix: 'Run `npm run prepare-data` (the build does this) to generate public/data/.',
    });
  }
  if (manifest.version !== 1 || !Array.isArray(manifest.datasets)) {
    throw new LabError('The bundled dataset list has an unknown format.', { file: `data/${MANIFEST_PATH}`, field: 'version', fix: 'Regenerate it with `npm run prepare-data`.' });
  }
  return manifest;
}

/** Loads one bundled dataset (e.g. 'mnist-test': 10 000 × 28×28×1) through `fetchBytes`, checking it against the manifest. */
export async function loadBundledDataset(name: BundledDatasetName, fetchBytes: FetchBytes): Promise<Dataset> {
  const manifest = await loadBundledManifest(fetchBytes);
  const entry = manifest.datasets.find((d) => d.name === name);
  if (!entry) {
    throw new LabError(`The bundled dataset "${name}" is not in the dataset list.`, {
      file: `data/${MANIFEST_PATH}`,
      field: 'datasets',
      fix: `Regenerate public/data with \`npm run prepare-data\`; available: ${manifest.datasets.map((d) => d.name).join(', ')}.`,
    });
  }
  const [images, labels] = await Promise.all([fetchBytes(entry.files.images), fetchBytes(entry.files.labels)]);
  const ds = await loadIdxDataset({ name: entry.files.images, bytes: images }, { name: entry.files.labels, bytes: labels }, { name: entry.name, classNames: entry.classNames, provenance: entry.provenance });
  const [h, w, c] = entry.shape;
  if (ds.count !== entry.count || ds.height !== h || ds.width !== w || ds.channels !== c) {
    throw new LabError(`Bundled dataset "${name}" does not match its manifest entry (${ds.count}×${ds.height}×${ds.width}×${ds.channels}).`, {
      file: entry.files.images,
      field: 'shape',
      fix: 'Regenerate public/data with `npm run prepare-data`.',
    });
  }
  return ds;
}

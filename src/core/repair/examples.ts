import type { Dataset } from '../data/dataset';
import { imageSize } from '../data/dataset';
import type { RepairExample } from './repair-data';

/**
 * Images of repair examples as one Dataset: each example's pixels come from the clean or the
 * corrupted copy of the test set, by its `source`.
 */
export function gatherExamples(clean: Dataset, corrupted: Dataset, examples: readonly RepairExample[], name: string): Dataset {
  const size = imageSize(clean);
  const images = new Float32Array(examples.length * size);
  const labels = new Int32Array(examples.length);
  examples.forEach((e, i) => {
    const from = e.source === 'clean' ? clean : corrupted;
    images.set(from.images.subarray(e.index * size, (e.index + 1) * size), i * size);
    labels[i] = e.label;
  });
  return { ...clean, name, images, labels, count: examples.length };
}

/** 1 for failing examples, 0 otherwise, aligned with `examples`. */
export function failureFlags(examples: readonly RepairExample[]): Uint8Array {
  return Uint8Array.from(examples, (e) => (e.isFailure ? 1 : 0));
}

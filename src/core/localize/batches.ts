import * as tf from '@tensorflow/tfjs';
import { imageSize, type Dataset } from '../data/dataset';

/** Images and labels of examples [start, end) of `ds` as tensors; the caller disposes both. */
export function batchTensors(ds: Dataset, start: number, end: number): { x: tf.Tensor4D; y: tf.Tensor1D } {
  const size = imageSize(ds);
  const x = tf.tensor4d(ds.images.subarray(start * size, end * size), [end - start, ds.height, ds.width, ds.channels]);
  const y = tf.tensor1d(ds.labels.subarray(start, end), 'int32');
  return { x, y };
}

/** [start, end) pairs covering `count` examples in steps of `batchSize`. */
export function batchRanges(count: number, batchSize: number): [number, number][] {
  const ranges: [number, number][] = [];
  for (let start = 0; start < count; start += batchSize) ranges.push([start, Math.min(count, start + batchSize)]);
  return ranges;
}

/** Concatenates datasets of the same image shape (first one's metadata, pixels copied). */
export function concatDatasets(parts: readonly Dataset[], name: string): Dataset {
  const first = parts[0];
  const size = imageSize(first);
  const count = parts.reduce((n, p) => n + p.count, 0);
  const images = new Float32Array(count * size);
  const labels = new Int32Array(count);
  let at = 0;
  for (const p of parts) {
    images.set(p.images.subarray(0, p.count * size), at * size);
    labels.set(p.labels.subarray(0, p.count), at);
    at += p.count;
  }
  return { ...first, name, images, labels, count };
}

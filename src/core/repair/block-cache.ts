import * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../data/dataset';
import type { Split } from '../search/batches';
import type { CancelToken } from '../progress';

/**
 * Runs the frozen prefix once per example, in chunks (never the whole dataset on the device),
 * and keeps the block inputs on the CPU side as a search Split.
 */
export async function cacheBlockInputs(
  prefix: (x: tf.Tensor) => tf.Tensor,
  ds: Dataset,
  isFailure: Uint8Array | undefined,
  chunk = 256,
  cancel?: CancelToken,
  onChunk?: (examplesDone: number) => void,
): Promise<Split> {
  const pixels = ds.height * ds.width * ds.channels;
  let inputs: Float32Array | null = null;
  let shape: [number, number, number, number] = [ds.count, 0, 0, 0];
  for (let start = 0; start < ds.count; start += chunk) {
    cancel?.throwIfCancelled('prefix caching');
    const end = Math.min(ds.count, start + chunk);
    const out = tf.tidy(() => {
      const x = tf.tensor4d(ds.images.subarray(start * pixels, end * pixels), [end - start, ds.height, ds.width, ds.channels]);
      return prefix(x);
    });
    if (out.rank !== 4) {
      out.dispose();
      throw new Error(`The block input has rank ${out.rank}; architecture search needs a spatial (rank-4) block input.`);
    }
    const values = await out.data();
    if (!inputs) {
      const [, h, w, c] = out.shape as number[];
      shape = [ds.count, h, w, c];
      inputs = new Float32Array(ds.count * h * w * c);
    }
    inputs.set(values as Float32Array, start * shape[1] * shape[2] * shape[3]);
    out.dispose();
    onChunk?.(end);
  }
  return { inputs: inputs ?? new Float32Array(0), shape, labels: ds.labels.slice(), isFailure };
}

import * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../data/dataset';
import type { Split } from '../search/batches';
import type { CancelToken } from '../progress';

/**
 * `fn` (e.g. the frozen prefix) over NHWC `inputs` in chunks (never the whole set on the
 * device); the outputs, which must be rank 4, come back on the CPU side.
 */
export async function mapInputs(
  fn: (x: tf.Tensor4D) => tf.Tensor,
  inputs: Float32Array,
  shape: readonly [number, number, number, number],
  chunk = 256,
  cancel?: CancelToken,
  onChunk?: (examplesDone: number) => void,
): Promise<{ inputs: Float32Array; shape: [number, number, number, number] }> {
  const [n, h, w, c] = shape;
  const pixels = h * w * c;
  let out: Float32Array | null = null;
  let outShape: [number, number, number, number] = [n, 0, 0, 0];
  for (let start = 0; start < n; start += chunk) {
    cancel?.throwIfCancelled('prefix caching');
    const end = Math.min(n, start + chunk);
    const y = tf.tidy(() => fn(tf.tensor4d(inputs.subarray(start * pixels, end * pixels), [end - start, h, w, c])));
    if (y.rank !== 4) {
      y.dispose();
      throw new Error(`The block input has rank ${y.rank}; architecture search needs a spatial (rank-4) block input.`);
    }
    const values = await y.data();
    if (!out) {
      const [, oh, ow, oc] = y.shape as number[];
      outShape = [n, oh, ow, oc];
      out = new Float32Array(n * oh * ow * oc);
    }
    out.set(values as Float32Array, start * outShape[1] * outShape[2] * outShape[3]);
    y.dispose();
    onChunk?.(end);
  }
  return { inputs: out ?? new Float32Array(0), shape: outShape };
}

/** Runs the frozen prefix once per example of `ds` and keeps the block inputs as a search Split. */
export async function cacheBlockInputs(
  prefix: (x: tf.Tensor) => tf.Tensor,
  ds: Dataset,
  isFailure: Uint8Array | undefined,
  chunk = 256,
  cancel?: CancelToken,
  onChunk?: (examplesDone: number) => void,
): Promise<Split> {
  const { inputs, shape } = await mapInputs(prefix, ds.images, [ds.count, ds.height, ds.width, ds.channels], chunk, cancel, onChunk);
  return { inputs, shape, labels: ds.labels.slice(), isFailure };
}

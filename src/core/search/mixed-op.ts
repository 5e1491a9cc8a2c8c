import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../random';
import { createSearchOp, type Op } from './ops';
import type { OpName } from './primitives';

/** One edge of the cell: every candidate op, blended by softmax(α) of that edge. */
export interface MixedOp {
  /** Σ_o weights[o] · o(x); `weights` is this edge's softmax(α), shape [ops]. */
  apply(x: tf.Tensor4D, weights: tf.Tensor1D, training: boolean): tf.Tensor4D;
  /** One op per α column (derive inherits the kept op's weights from here). */
  readonly candidates: readonly Op[];
  readonly variables: tf.Variable[];
  readonly buffers: tf.Variable[];
  dispose(): void;
}

/** DARTS model_search `MixedOp` for `ops` (α column order) on `channels` channels. */
export function createMixedOp(ops: readonly OpName[], channels: number, stride: number, rng: Rng): MixedOp {
  const candidates: Op[] = ops.map((name) => createSearchOp(name, channels, stride, rng));
  return {
    apply: (x, weights, training) =>
      tf.tidy(() => {
        const w = tf.unstack(weights);
        return tf.addN(candidates.map((op, i) => op.apply(x, training).mul(w[i]))) as tf.Tensor4D;
      }),
    candidates,
    variables: candidates.flatMap((op) => op.variables),
    buffers: candidates.flatMap((op) => op.buffers),
    dispose: () => candidates.forEach((op) => op.dispose()),
  };
}

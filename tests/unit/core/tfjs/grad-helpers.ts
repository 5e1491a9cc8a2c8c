import * as tf from '@tensorflow/tfjs';
import { createRng } from '../../../../src/core/random';

/** Plain values of one tensor, so they survive a backend switch. */
export interface Values {
  shape: number[];
  data: Float32Array;
}

/** Random normal values of a shape, seeded. */
export function randomValues(shape: number[], seed: number): Values {
  const rng = createRng(seed);
  const size = shape.reduce((a, b) => a * b, 1);
  return { shape, data: Float32Array.from({ length: size }, () => rng.normal()) };
}

/** Values with every element set by `f(index)`. */
export function valuesOf(shape: number[], f: (i: number) => number): Values {
  const size = shape.reduce((a, b) => a * b, 1);
  return { shape, data: Float32Array.from({ length: size }, (_, i) => f(i)) };
}

/** A scalar loss of an op's output: the sum of the output times fixed random weights (a random dy). */
export type OpOf = (inputs: tf.Tensor[]) => tf.Tensor;

function projectedLoss(op: OpOf, weightSeed: number): (...inputs: tf.Tensor[]) => tf.Scalar {
  return (...inputs) => {
    const out = op(inputs);
    const w = randomValues(out.shape, weightSeed);
    return tf.sum(tf.mul(out, tf.tensor(w.data, out.shape)));
  };
}

/** Gradients of the projected loss w.r.t. every input, computed on `backend` and read back. */
export async function gradsOn(backend: string, op: OpOf, inputs: Values[], weightSeed = 99): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  const tensors = inputs.map((v) => tf.tensor(v.data, v.shape));
  const grads = tf.grads(projectedLoss(op, weightSeed))(tensors);
  const out = await Promise.all(grads.map(async (g) => (await g.data()) as Float32Array));
  tf.dispose([...tensors, ...grads]);
  return out;
}

/**
 * Finite-difference gradients of the projected loss on the cpu backend. Used for ops that are
 * linear in each input (convolutions), where a step of 1 is exact up to float rounding.
 */
export async function finiteDifferenceGrads(op: OpOf, inputs: Values[], weightSeed = 99): Promise<Float32Array[]> {
  await tf.setBackend('cpu');
  const loss = projectedLoss(op, weightSeed);
  const evaluate = async (vals: Values[]): Promise<number> => {
    const ts = vals.map((v) => tf.tensor(v.data, v.shape));
    const l = tf.tidy(() => loss(...ts));
    const [value] = await l.data();
    tf.dispose([...ts, l]);
    return value;
  };
  const result: Float32Array[] = [];
  for (let k = 0; k < inputs.length; k++) {
    const grad = new Float32Array(inputs[k].data.length);
    for (let e = 0; e < grad.length; e++) {
      const shifted = (delta: number) =>
        inputs.map((v, i) => (i === k ? { shape: v.shape, data: v.data.map((x, j) => (j === e ? x + delta : x)) } : v));
      grad[e] = ((await evaluate(shifted(1))) - (await evaluate(shifted(-1)))) / 2;
    }
    result.push(grad);
  }
  return result;
}

/** Largest absolute difference relative to the reference's largest magnitude (at least 1). */
export function relativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  let scale = 1;
  let worst = 0;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]));
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
  return actual.length === expected.length ? worst / scale : Infinity;
}

import * as tf from '@tensorflow/tfjs';
import { createRng, shuffled } from '../../../../src/core/random';

/** Random tensor from a seeded rng (normal · scale). */
export function randomTensor(shape: number[], seed: number, scale = 1): tf.Tensor {
  const rng = createRng(seed);
  const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < values.length; i++) values[i] = rng.normal() * scale;
  return tf.tensor(values, shape);
}

/**
 * Shuffled evenly spaced values (gap `gap`, centred on 0, none exactly 0): no two inputs are close, so a
 * small perturbation never changes which input a max-pool window picks or a ReLU's side.
 */
export function separatedTensor(shape: number[], seed: number, gap = 0.05): tf.Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  const values = Float32Array.from(shuffled([...Array(size).keys()], createRng(seed)), (k) => (k - size / 2 + 0.5) * gap);
  return tf.tensor(values, shape);
}

export interface DirectionalResult {
  analytic: number;
  numeric: number;
}

/**
 * Directional-derivative check of the scalar `f` with respect to `variable`: compares
 * ⟨∇f, d⟩ from autodiff with central differences (f(v+εd) − f(v−εd)) / 2ε.
 */
export function directional(f: () => tf.Scalar, variable: tf.Variable, seed: number, epsilon = 1e-2): DirectionalResult {
  const saved = variable.clone();
  const direction = randomTensor(variable.shape, seed);
  const { value, grads } = tf.variableGrads(f, [variable]);
  const analytic = tf.tidy(() => tf.sum(grads[variable.name].mul(direction)).dataSync()[0]);
  tf.dispose([value, ...Object.values(grads)]);
  const at = (step: number): number => {
    tf.tidy(() => variable.assign(saved.add(direction.mul(step * epsilon))));
    const value = f();
    const out = value.dataSync()[0];
    value.dispose();
    return out;
  };
  // Richardson extrapolation of two central differences cancels the ε² curvature term
  // (BN over tiny batches curves sharply), leaving float32 noise as the main error.
  const central = (scale: number): number => (at(scale) - at(-scale)) / (2 * scale * epsilon);
  const numeric = (4 * central(0.5) - central(1)) / 3;
  variable.assign(saved);
  saved.dispose();
  direction.dispose();
  return { analytic, numeric };
}

/** Relative error of a directional check; below |0.05| it is absolute (float32 difference noise). */
export function relativeError({ analytic, numeric }: DirectionalResult): number {
  return Math.abs(analytic - numeric) / Math.max(0.05, Math.abs(analytic), Math.abs(numeric));
}

/** Largest absolute elementwise difference. */
export const maxAbsDiff = (a: tf.Tensor, b: tf.Tensor): number => tf.tidy(() => tf.max(tf.abs(a.sub(b))).dataSync()[0]);

/** Batch-statistics normalisation over N,H,W by autodiff through tf.moments: the reference for a non-affine BN in training. */
export const normalizeReference = (t: tf.Tensor4D): tf.Tensor4D => {
  const { mean, variance } = tf.moments(t, [0, 1, 2]);
  return t.sub(mean).div(variance.add(1e-5).sqrt());
};

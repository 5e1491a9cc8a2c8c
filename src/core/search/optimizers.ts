import * as tf from '@tensorflow/tfjs';
import type { AlphaHyperparameters, WeightHyperparameters } from './presets';

/**
 * The two DARTS optimisers written out, with their slots as plain variables so a checkpoint
 * can save and restore them exactly and the unrolled (second-order) step can read the
 * momentum buffer. Update rules follow PyTorch's SGD and Adam, which DARTS uses: weight
 * decay is L2 added to the gradient before the update. Each optimiser updates exactly the
 * variable list it was built with.
 */
export interface Optimizer {
  /** The variables it updates, in gradient order. */
  readonly variables: tf.Variable[];
  /** Its state tensors (momentum buffers; Adam moments), saved in checkpoints. */
  readonly slots: tf.Variable[];
  learningRate: number;
  /** Update count (Adam bias correction uses it). */
  iterations: number;
  /** One update from `grads` (same order as `variables`; not disposed here). */
  apply(grads: tf.Tensor[]): void;
  dispose(): void;
}

const zerosLike = (v: tf.Variable): tf.Variable => {
  const zeros = tf.zerosLike(v);
  const slot = tf.variable(zeros, false);
  zeros.dispose();
  return slot;
};

/** SGD with momentum μ and L2 decay: b ← μ·b + (g + wd·w); w ← w − lr·b. */
export function createSgd(variables: tf.Variable[], hp: Pick<WeightHyperparameters, 'learningRate' | 'momentum' | 'weightDecay'>): Optimizer {
  const buffers = variables.map(zerosLike);
  const optimizer: Optimizer = {
    variables,
    slots: buffers,
    learningRate: hp.learningRate,
    iterations: 0,
    apply(grads) {
      tf.tidy(() => {
        variables.forEach((w, i) => {
          const g = grads[i].add(w.mul(hp.weightDecay));
          buffers[i].assign(buffers[i].mul(hp.momentum).add(g));
          w.assign(w.sub(buffers[i].mul(optimizer.learningRate)));
        });
      });
      optimizer.iterations++;
    },
    dispose: () => buffers.forEach((b) => b.dispose()),
  };
  return optimizer;
}

/** Adam (β1, β2, ε) with L2 decay added to the gradient, bias-corrected as PyTorch does. */
export function createAdam(variables: tf.Variable[], hp: Omit<AlphaHyperparameters, 'initScale'>): Optimizer {
  const first = variables.map(zerosLike);
  const second = variables.map(zerosLike);
  const optimizer: Optimizer = {
    variables,
    slots: [...first, ...second],
    learningRate: hp.learningRate,
    iterations: 0,
    apply(grads) {
      const t = optimizer.iterations + 1;
      const correction1 = 1 - hp.beta1 ** t;
      const correction2 = 1 - hp.beta2 ** t;
      tf.tidy(() => {
        variables.forEach((p, i) => {
          const g = grads[i].add(p.mul(hp.weightDecay));
          first[i].assign(first[i].mul(hp.beta1).add(g.mul(1 - hp.beta1)));
          second[i].assign(second[i].mul(hp.beta2).add(g.square().mul(1 - hp.beta2)));
          const denominator = second[i].sqrt().div(Math.sqrt(correction2)).add(hp.epsilon);
          p.assign(p.sub(first[i].div(denominator).mul(optimizer.learningRate / correction1)));
        });
      });
      optimizer.iterations = t;
    },
    dispose: () => [...first, ...second].forEach((s) => s.dispose()),
  };
  return optimizer;
}

/**
 * Scales `grads` so their global L2 norm is at most `maxNorm` (PyTorch clip_grad_norm_:
 * factor maxNorm / (norm + 1e-6) when below 1). Stays on the device; returns new tensors.
 */
export function clipByGlobalNorm(grads: tf.Tensor[], maxNorm: number): tf.Tensor[] {
  return tf.tidy(() => {
    const norm = tf.sqrt(tf.addN(grads.map((g) => tf.sum(tf.square(g)))));
    const factor = tf.minimum(1, tf.div(maxNorm, norm.add(1e-6)));
    return grads.map((g) => g.mul(factor));
  });
}

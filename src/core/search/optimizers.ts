import * as tf from '@tensorflow/tfjs';
import { SGD_STEP, SUM_OF_SQUARES } from '../tfjs/sgd-kernel';
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
  /** One update from `grads` (same order as `variables`; not disposed here), each scaled by `gradScale` first when given (clipping). */
  apply(grads: tf.Tensor[], gradScale?: tf.Scalar): void;
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
    apply(grads, gradScale) {
      const fused = tf.getKernel(SGD_STEP, tf.getBackend()) !== undefined;
      tf.tidy(() => {
        const scale = gradScale ?? tf.scalar(1);
        variables.forEach((w, i) => {
          if (fused) {
            const attrs = { learningRate: optimizer.learningRate, momentum: hp.momentum, weightDecay: hp.weightDecay };
            const [wNext, bNext] = tf.engine().runKernel(SGD_STEP, { w, b: buffers[i], g: grads[i], scale }, attrs) as tf.Tensor[];
            buffers[i].assign(bNext);
            w.assign(wNext);
            return;
          }
          const g = grads[i].mul(scale).add(w.mul(hp.weightDecay));
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
    apply(grads, gradScale) {
      const t = optimizer.iterations + 1;
      const correction1 = 1 - hp.beta1 ** t;
      const correction2 = 1 - hp.beta2 ** t;
      tf.tidy(() => {
        variables.forEach((p, i) => {
          const g = (gradScale ? grads[i].mul(gradScale) : grads[i]).add(p.mul(hp.weightDecay));
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
 * The factor that scales `grads` to a global L2 norm of at most `maxNorm` (PyTorch
 * clip_grad_norm_: maxNorm / (norm + 1e-6) when below 1), for Optimizer.apply's `gradScale`.
 * Stays on the device; the norm is one kernel where the backend has it (wasm).
 */
export function globalNormClipScale(grads: tf.Tensor[], maxNorm: number): tf.Scalar {
  return tf.tidy(() => {
    const squares = tf.getKernel(SUM_OF_SQUARES, tf.getBackend()) ? (tf.engine().runKernel(SUM_OF_SQUARES, Object.fromEntries(grads.map((g, i) => [String(i), g])), {}) as tf.Scalar) : tf.addN(grads.map((g) => tf.sum(tf.square(g))));
    return tf.minimum(1, tf.div(maxNorm, tf.sqrt(squares).add(1e-6))) as tf.Scalar;
  });
}

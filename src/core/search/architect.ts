import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../random';
import { createAdam, type Optimizer } from './optimizers';
import type { AlphaHyperparameters } from './presets';

/** How α's gradient is computed (DARTS `unrolled`): 'first' holds w fixed; 'second' unrolls one SGD step. */
export type SearchOrder = 'first' | 'second';

/** Loss of a batch for raw α [edges, ops] (the network applies the softmax), as a scalar. */
export type LossFn<B> = (batch: B, alpha: tf.Tensor2D, training: boolean) => tf.Scalar;

/** What the unrolled step needs of the weight optimiser (DARTS architect `_compute_unrolled_model`). */
export interface UnrollContext {
  weights: tf.Variable[];
  momentumBuffers: tf.Variable[];
  learningRate: number;
  momentum: number;
  weightDecay: number;
}

/** Owns α and its Adam (DARTS architect.py). */
export interface Architect<B> {
  /** α, [edges, ops], initialised initScale·N(0,1). */
  readonly alpha: tf.Variable;
  readonly optimizer: Optimizer;
  readonly order: SearchOrder;
  /** softmax(α) per edge, [edges, ops]. */
  softmax(): tf.Tensor2D;
  /** ∇α of the α-batch loss, by `order`; returns the gradient and the α-batch loss. */
  gradient(alphaBatch: B, weightBatch: B, unroll: UnrollContext): { grad: tf.Tensor2D; loss: tf.Scalar };
  /** One Adam update of α; returns the α-batch loss (caller disposes). */
  step(alphaBatch: B, weightBatch: B, unroll: UnrollContext): tf.Scalar;
  dispose(): void;
}

/** Gradients of `f` for every variable in order; zeros for a variable `f` does not reach. */
export function weightGrads(f: () => tf.Scalar, variables: tf.Variable[]): { value: tf.Scalar; grads: tf.Tensor[] } {
  const { value, grads } = tf.variableGrads(f, variables);
  return { value, grads: variables.map((v) => grads[v.name] ?? tf.zerosLike(v)) };
}

/** Creates α (seeded by `rng`) and its optimiser; `order` is chosen here, once. */
export function createArchitect<B>(shape: [number, number], hp: AlphaHyperparameters, order: SearchOrder, rng: Rng, loss: LossFn<B>): Architect<B> {
  const values = Float32Array.from({ length: shape[0] * shape[1] }, () => hp.initScale * rng.normal());
  const initial = tf.tensor2d(values, shape);
  const alpha = tf.variable(initial, true);
  initial.dispose();
  const optimizer = createAdam([alpha], hp);
  const alpha2d = alpha as tf.Tensor as tf.Tensor2D;

  const firstOrder = (alphaBatch: B) => {
    const { value, grads } = tf.variableGrads(() => loss(alphaBatch, alpha2d, true), [alpha]);
    return { grad: grads[alpha.name] as tf.Tensor2D, loss: value };
  };

  const gradient: Architect<B>['gradient'] = (alphaBatch, weightBatch, unroll) => (order === 'first' ? firstOrder(alphaBatch) : secondOrder(alphaBatch, weightBatch, unroll));

  // DARTS architect `_backward_step_unrolled`: w' = w − η(μ·b + ∇w L_train + wd·w);
  // ∇α L_val(w', α) − η · (∇α L_train(w⁺) − ∇α L_train(w⁻)) / 2R, w± = w ± R·∇w' L_val,
  // R = 0.01 / ‖∇w' L_val‖. The weights are restored before returning.
  const secondOrder = (alphaBatch: B, weightBatch: B, unroll: UnrollContext) => {
    const { weights, momentumBuffers, learningRate: eta, momentum, weightDecay } = unroll;
    const saved = weights.map((w) => w.clone());
    const setWeights = (make: (i: number) => tf.Tensor) => tf.tidy(() => weights.forEach((w, i) => w.assign(make(i))));
    try {
      const train = weightGrads(() => loss(weightBatch, alpha2d, true), weights);
      setWeights((i) => saved[i].sub(momentumBuffers[i].mul(momentum).add(train.grads[i]).add(saved[i].mul(weightDecay)).mul(eta)));
      tf.dispose([train.value, ...train.grads]);
      const val = tf.variableGrads(() => loss(alphaBatch, alpha2d, true), [alpha, ...weights]);
      const dAlpha = val.grads[alpha.name];
      const dWeights = weights.map((w) => val.grads[w.name] ?? tf.zerosLike(w));
      const radius = tf.tidy(() => tf.div(0.01, tf.sqrt(tf.addN(dWeights.map((g) => tf.sum(tf.square(g)))))));
      const alphaGradAt = (sign: number): tf.Tensor => {
        setWeights((i) => saved[i].add(dWeights[i].mul(radius).mul(sign)));
        const { value, grads } = tf.variableGrads(() => loss(weightBatch, alpha2d, true), [alpha]);
        value.dispose();
        return grads[alpha.name];
      };
      const plus = alphaGradAt(1);
      const minus = alphaGradAt(-1);
      const grad = tf.tidy(() => dAlpha.sub(plus.sub(minus).div(radius.mul(2)).mul(eta))) as tf.Tensor2D;
      tf.dispose([plus, minus, radius, dAlpha, ...dWeights]);
      return { grad, loss: val.value };
    } finally {
      setWeights((i) => saved[i]);
      tf.dispose(saved);
    }
  };

  return {
    alpha,
    optimizer,
    order,
    softmax: () => tf.tidy(() => tf.softmax(alpha2d)) as tf.Tensor2D,
    gradient,
    step(alphaBatch, weightBatch, unroll) {
      const { grad, loss: value } = gradient(alphaBatch, weightBatch, unroll);
      optimizer.apply([grad]);
      grad.dispose();
      return value;
    },
    dispose: () => {
      optimizer.dispose();
      alpha.dispose();
    },
  };
}

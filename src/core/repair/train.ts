import * as tf from '@tensorflow/tfjs';
import { createRng, shuffled } from '../random';
import { phaseReporter, yieldToEventLoop, type CancelToken } from '../progress';
import { gatherBatch, disposeBatch, chunks, type Batch, type Split } from '../search/batches';
import type { ProgressCallback } from '../types';

/** A forward pass to logits; `training` switches BN/dropout of the trained part. */
export type LogitsFn = (x: tf.Tensor4D, training: boolean) => tf.Tensor;

export interface TrainSettings {
  epochs: number;
  batchSize: number;
  learningRate: number;
  seed: number;
  /** Variables (a subset of the trained ones) that learn at `learningRate × rate` instead. */
  slower?: { variables: tf.Variable[]; rate: number };
  /** Called after each epoch with its 0-based index and mean loss (e.g. to keep the best weights). */
  onEpochEnd?: (epoch: number, loss: number) => Promise<void>;
}

/** Softmax cross-entropy of `forward` (training mode) on a batch. */
export function crossEntropyLoss(forward: LogitsFn): (batch: Batch) => tf.Scalar {
  return (batch) => {
    const logits = forward(batch.x, true);
    return tf.losses.softmaxCrossEntropy(tf.oneHot(batch.labels, logits.shape[1] ?? 1), logits) as tf.Scalar;
  };
}

/** Trains `variables` with Adam on softmax cross-entropy of `forward` over `data`. */
export function trainVariables(forward: LogitsFn, variables: tf.Variable[], data: Split, settings: TrainSettings, phase: string, cancel?: CancelToken, onProgress?: ProgressCallback): Promise<number[]> {
  return trainWithLoss(crossEntropyLoss(forward), variables, data, settings, phase, cancel, onProgress);
}

/**
 * Trains `variables` (and nothing else: the var list is explicit) with Adam on `loss` over
 * shuffled batches of `data`. Returns the mean loss per epoch, read once per epoch.
 */
export async function trainWithLoss(
  lossOf: (batch: Batch) => tf.Scalar,
  variables: tf.Variable[],
  data: Split,
  settings: TrainSettings,
  phase: string,
  cancel?: CancelToken,
  onProgress?: ProgressCallback,
): Promise<number[]> {
  const n = data.shape[0];
  const rng = createRng(settings.seed);
  const slowSet = new Set(settings.slower?.variables ?? []);
  const groups = [
    { variables: variables.filter((v) => !slowSet.has(v)), learningRate: settings.learningRate },
    { variables: variables.filter((v) => slowSet.has(v)), learningRate: settings.learningRate * (settings.slower?.rate ?? 1) },
  ]
    .filter((g) => g.variables.length > 0)
    .map((g) => ({ ...g, optimizer: tf.train.adam(g.learningRate) }));
  const batchesPerEpoch = Math.ceil(n / settings.batchSize);
  const report = phaseReporter(phase, settings.epochs * batchesPerEpoch, onProgress);
  const losses: number[] = [];
  try {
    for (let epoch = 0; epoch < settings.epochs; epoch++) {
      let sum: tf.Tensor = tf.scalar(0);
      const order = shuffled(Array.from({ length: n }, (_, i) => i), rng);
      let done = 0;
      for (const indices of chunks(order, settings.batchSize)) {
        cancel?.throwIfCancelled(phase);
        const batch = gatherBatch(data, indices);
        const { value: loss, grads } = tf.variableGrads(() => lossOf(batch), variables);
        for (const g of groups) g.optimizer.applyGradients(g.variables.filter((v) => grads[v.name]).map((v) => ({ name: v.name, tensor: grads[v.name] })));
        tf.dispose(Object.values(grads));
        disposeBatch(batch);
        const next = tf.tidy(() => sum.add(loss.mul(indices.length)));
        tf.dispose([sum, loss]);
        sum = next;
        report(epoch * batchesPerEpoch + ++done);
        await yieldToEventLoop();
      }
      const [total] = await sum.data();
      sum.dispose();
      losses.push(total / n);
      await settings.onEpochEnd?.(epoch, total / n);
    }
  } finally {
    groups.forEach((g) => g.optimizer.dispose());
  }
  return losses;
}

/** Predicted class per example of `data` (inference mode, batched). */
export async function predictSplit(forward: LogitsFn, data: Split, batchSize = 256): Promise<Int32Array> {
  const n = data.shape[0];
  const out = new Int32Array(n);
  for (let start = 0; start < n; start += batchSize) {
    const indices = Array.from({ length: Math.min(batchSize, n - start) }, (_, i) => start + i);
    const batch = gatherBatch(data, indices);
    const classes = tf.tidy(() => tf.argMax(forward(batch.x, false), 1));
    disposeBatch(batch);
    out.set(await classes.data(), start);
    classes.dispose();
  }
  return out;
}

/** Fraction of `labels` equal to `predicted`. */
export function accuracyOf(predicted: ArrayLike<number>, labels: ArrayLike<number>): number {
  let correct = 0;
  for (let i = 0; i < labels.length; i++) if (predicted[i] === labels[i]) correct++;
  return labels.length ? correct / labels.length : 0;
}

/** Wraps a model output as logits: log-probabilities when the model ends in softmax. */
export function asLogits(output: tf.Tensor, isProbabilities: boolean): tf.Tensor {
  return isProbabilities ? tf.log(tf.maximum(output, 1e-7)) : output;
}

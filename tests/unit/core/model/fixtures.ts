/** Tiny hand-built topologies shared by the model tests (one per architecture family). */
import * as tf from '@tensorflow/tfjs';
import { createRng } from '../../../../src/core/random';

type Sym = tf.SymbolicTensor;
const ap = (layer: tf.layers.Layer, x: Sym | Sym[]): Sym => layer.apply(x) as Sym;

/** Conv → pool → conv-BN-ReLU → pool → dropout → flatten → dense → softmax (Sequential). */
export function plainCnn(): tf.LayersModel {
  return tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [8, 8, 1], filters: 4, kernelSize: 3, padding: 'same', activation: 'relu' }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.conv2d({ filters: 6, kernelSize: 3, padding: 'same' }),
      tf.layers.batchNormalization(),
      tf.layers.activation({ activation: 'relu' }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.dropout({ rate: 0.25 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 8, activation: 'relu' }),
      tf.layers.dense({ units: 3, activation: 'softmax' }),
    ],
  });
}

/** Stem conv, an identity residual unit, a strided unit with a 1×1 projection shortcut, GAP head. */
export function resnet(): tf.LayersModel {
  const input = tf.input({ shape: [8, 8, 3] });
  const stem = ap(tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu' }), input);
  let y = ap(tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same' }), stem);
  y = ap(tf.layers.batchNormalization(), y);
  y = ap(tf.layers.reLU(), y);
  y = ap(tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same' }), y);
  y = ap(tf.layers.batchNormalization(), y);
  const r1 = ap(tf.layers.activation({ activation: 'relu' }), ap(tf.layers.add(), [stem, y]));
  let z = ap(tf.layers.conv2d({ filters: 8, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' }), r1);
  z = ap(tf.layers.conv2d({ filters: 8, kernelSize: 3, padding: 'same' }), z);
  const shortcut = ap(tf.layers.conv2d({ filters: 8, kernelSize: 1, strides: 2 }), r1);
  const r2 = ap(tf.layers.activation({ activation: 'relu' }), ap(tf.layers.add(), [shortcut, z]));
  const gap = ap(tf.layers.globalAveragePooling2d({}), r2);
  return tf.model({ inputs: input, outputs: ap(tf.layers.dense({ units: 3, activation: 'softmax' }), gap) });
}

/** Stem conv, one inception-style module (1×1 / 1×1→3×3 / pool→1×1, concatenated), strided conv, logits head. */
export function inception(): tf.LayersModel {
  const input = tf.input({ shape: [8, 8, 3] });
  const stem = ap(tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu' }), input);
  const b1 = ap(tf.layers.conv2d({ filters: 2, kernelSize: 1, activation: 'relu' }), stem);
  const b2 = ap(tf.layers.conv2d({ filters: 3, kernelSize: 3, padding: 'same', activation: 'relu' }), ap(tf.layers.conv2d({ filters: 2, kernelSize: 1 }), stem));
  const b3 = ap(tf.layers.conv2d({ filters: 2, kernelSize: 1 }), ap(tf.layers.maxPooling2d({ poolSize: 3, strides: 1, padding: 'same' }), stem));
  const cat = ap(tf.layers.concatenate(), [b1, b2, b3]);
  const down = ap(tf.layers.conv2d({ filters: 4, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' }), cat);
  return tf.model({ inputs: input, outputs: ap(tf.layers.dense({ units: 4 }), ap(tf.layers.flatten(), down)) });
}

/** Stem conv, a dense block of three BN-ReLU-conv steps each concatenated onto its input, transition, head. */
export function densenet(): tf.LayersModel {
  const input = tf.input({ shape: [8, 8, 3] });
  let x = ap(tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same' }), input);
  for (let i = 0; i < 3; i++) {
    const f = ap(tf.layers.conv2d({ filters: 2, kernelSize: 3, padding: 'same' }), ap(tf.layers.reLU(), ap(tf.layers.batchNormalization(), x)));
    x = ap(tf.layers.concatenate(), [x, f]);
  }
  const t = ap(tf.layers.averagePooling2d({ poolSize: 2 }), ap(tf.layers.conv2d({ filters: 4, kernelSize: 1 }), x));
  return tf.model({ inputs: input, outputs: ap(tf.layers.dense({ units: 3, activation: 'softmax' }), ap(tf.layers.globalAveragePooling2d({}), t)) });
}

/** MobileNet-style chain with BN, Dropout, depthwise and separable convs, zero padding (Sequential). */
export function bnDropout(): tf.LayersModel {
  return tf.sequential({
    layers: [
      tf.layers.zeroPadding2d({ inputShape: [9, 9, 2], padding: [[1, 0], [1, 0]] }),
      tf.layers.conv2d({ filters: 4, kernelSize: 3, strides: 2, useBias: false }),
      tf.layers.batchNormalization(),
      tf.layers.reLU({ maxValue: 6 }),
      tf.layers.depthwiseConv2d({ kernelSize: 3, padding: 'same', useBias: false }),
      tf.layers.batchNormalization(),
      tf.layers.reLU(),
      tf.layers.conv2d({ filters: 6, kernelSize: 1, useBias: false }),
      tf.layers.batchNormalization(),
      tf.layers.reLU(),
      tf.layers.separableConv2d({ filters: 5, kernelSize: 3, padding: 'same' }),
      tf.layers.dropout({ rate: 0.5 }),
      tf.layers.globalMaxPooling2d({}),
      tf.layers.dropout({ rate: 0.3 }),
      tf.layers.dense({ units: 2, activation: 'softmax' }),
    ],
  });
}

/** Teachable-Machine-shaped: Sequential[ Sequential[ functional base ], Sequential[ head ] ]. */
export function nested(): tf.LayersModel {
  const input = tf.input({ shape: [12, 12, 3] });
  const c = ap(tf.layers.conv2d({ filters: 4, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' }), input);
  const d = ap(tf.layers.depthwiseConv2d({ kernelSize: 3, padding: 'same', activation: 'relu' }), c);
  const p = ap(tf.layers.conv2d({ filters: 6, kernelSize: 1, activation: 'relu' }), d);
  const base = tf.model({ inputs: input, outputs: p, name: 'base' });
  const inner = tf.sequential({ layers: [tf.layers.conv2d({ inputShape: [6, 6, 6], filters: 6, kernelSize: 3, padding: 'same' }), tf.layers.batchNormalization()] });
  // The base and an inner Sequential wired functionally, then a nested Sequential head.
  const x = tf.input({ shape: [12, 12, 3] });
  const b = ap(base, x);
  const r = ap(tf.layers.add(), [b, ap(inner, b)]);
  const trunk = tf.model({ inputs: x, outputs: r, name: 'trunk' });
  const head = tf.sequential({ layers: [tf.layers.globalAveragePooling2d({ inputShape: [6, 6, 6] }), tf.layers.dense({ units: 5, activation: 'relu' }), tf.layers.dense({ units: 3, activation: 'softmax' })] });
  return tf.sequential({ layers: [tf.sequential({ layers: [trunk] }), head] });
}

export const TOPOLOGIES: Record<string, () => tf.LayersModel> = { plainCnn, resnet, inception, densenet, bnDropout, nested };

/** Overwrites every weight with seeded values (variances positive) so BN and biases matter. */
export function randomizeWeights(model: tf.LayersModel, seed: number): tf.LayersModel {
  const rng = createRng(seed);
  for (const w of model.weights) {
    const shape = w.shape as number[];
    const size = shape.reduce((a, b) => a * b, 1);
    const isVariance = w.originalName.endsWith('moving_variance');
    const values = Float32Array.from({ length: size }, () => (isVariance ? 0.5 + rng.next() : 0.4 * rng.normal()));
    const t = tf.tensor(values, shape);
    w.write(t);
    t.dispose();
  }
  return model;
}

/** A seeded NHWC batch for `model`'s input, values in [0, 1]. */
export function randomInput(model: tf.LayersModel, batch: number, seed: number): tf.Tensor {
  const shape = [batch, ...(model.inputs[0].shape.slice(1) as number[])];
  const rng = createRng(seed);
  const size = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(Float32Array.from({ length: size }, () => rng.next()), shape);
}

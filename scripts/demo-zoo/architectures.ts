/**
 * The three demo-zoo architectures (28×28×1 input, 10 classes). Every initializer is seeded, so a seed fixes the
 * starting weights; BatchNormalization uses momentum 0.9 (short trainings leave 0.99's moving statistics stale).
 */
import * as tf from '@tensorflow/tfjs';

export const DEMO_MODEL_NAMES = ['mnist-cnn', 'mnist-resnet', 'fashion-cnn'] as const;
export type DemoModelName = (typeof DEMO_MODEL_NAMES)[number];

const INPUT_SHAPE = [28, 28, 1];
const CLASSES = 10;
const BN_MOMENTUM = 0.9;

/** Hands out seeded initializers: seed, seed + 1, … in layer order. */
function seededInit(seed: number) {
  let k = 0;
  return {
    he: () => tf.initializers.heNormal({ seed: seed + k++ }),
    glorot: () => tf.initializers.glorotUniform({ seed: seed + k++ }),
  };
}

/** Sequential CNN with 3 conv units (conv 3×3 → ReLU → max-pool 2×2: 16, 32, 32 channels) and a dense softmax head. */
export function buildMnistCnn(seed: number): tf.Sequential {
  const init = seededInit(seed);
  const model = tf.sequential({ name: 'mnist_cnn' });
  [16, 32, 32].forEach((filters, i) => {
    model.add(tf.layers.conv2d({ name: `unit${i + 1}_conv`, filters, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: init.he(), ...(i === 0 ? { inputShape: INPUT_SHAPE } : {}) }));
    model.add(tf.layers.maxPooling2d({ name: `unit${i + 1}_pool`, poolSize: 2, strides: 2 }));
  });
  model.add(tf.layers.flatten({ name: 'head_flatten' }));
  model.add(tf.layers.dense({ name: 'head_dense', units: CLASSES, activation: 'softmax', kernelInitializer: init.glorot() }));
  return model;
}

/** conv → BN (momentum 0.9) → optional ReLU, the building brick of the ResNet. */
function convBn(x: tf.SymbolicTensor, name: string, filters: number, kernelSize: number, strides: number, init: ReturnType<typeof seededInit>, isRelu: boolean): tf.SymbolicTensor {
  let y = tf.layers.conv2d({ name: `${name}_conv`, filters, kernelSize, strides, padding: 'same', useBias: false, kernelInitializer: init.he() }).apply(x) as tf.SymbolicTensor;
  y = tf.layers.batchNormalization({ name: `${name}_bn`, momentum: BN_MOMENTUM }).apply(y) as tf.SymbolicTensor;
  return isRelu ? (tf.layers.activation({ name: `${name}_relu`, activation: 'relu' }).apply(y) as tf.SymbolicTensor) : y;
}

/** A residual unit: two conv-BN on the main path, identity or 1×1 strided projection shortcut, add, ReLU. */
function residualUnit(x: tf.SymbolicTensor, name: string, filters: number, strides: number, init: ReturnType<typeof seededInit>): tf.SymbolicTensor {
  const main = convBn(convBn(x, `${name}_a`, filters, 3, strides, init, true), `${name}_b`, filters, 3, 1, init, false);
  const inChannels = x.shape[3];
  const shortcut = strides === 1 && inChannels === filters ? x : convBn(x, `${name}_proj`, filters, 1, strides, init, false);
  const sum = tf.layers.add({ name: `${name}_add` }).apply([main, shortcut]) as tf.SymbolicTensor;
  return tf.layers.activation({ name: `${name}_out`, activation: 'relu' }).apply(sum) as tf.SymbolicTensor;
}

/** Functional tiny ResNet: stem (conv 16 stride 2 → 14×14), res1 (16, identity), res2 (32, stride 2, 1×1 projection), res3 (32), global pool, dense. */
export function buildMnistResnet(seed: number): tf.LayersModel {
  const init = seededInit(seed);
  const input = tf.input({ name: 'image', shape: INPUT_SHAPE });
  // A strided stem instead of conv + max-pool: same 14×14 output, and far cheaper to train on wasm.
  let x = convBn(input, 'stem', 16, 3, 2, init, true);
  x = residualUnit(x, 'res1', 16, 1, init);
  x = residualUnit(x, 'res2', 32, 2, init);
  x = residualUnit(x, 'res3', 32, 1, init);
  x = tf.layers.globalAveragePooling2d({ name: 'head_pool' }).apply(x) as tf.SymbolicTensor;
  const output = tf.layers.dense({ name: 'head_dense', units: CLASSES, activation: 'softmax', kernelInitializer: init.glorot() }).apply(x) as tf.SymbolicTensor;
  return tf.model({ name: 'mnist_resnet', inputs: input, outputs: output });
}

/** Sequential Fashion-MNIST CNN with 3 conv units (conv 3×3 → BN (momentum 0.9) → ReLU → max-pool: 16, 32, 64) and a dense head. */
export function buildFashionCnn(seed: number): tf.Sequential {
  const init = seededInit(seed);
  const model = tf.sequential({ name: 'fashion_cnn' });
  [16, 32, 64].forEach((filters, i) => {
    model.add(tf.layers.conv2d({ name: `unit${i + 1}_conv`, filters, kernelSize: 3, padding: 'same', useBias: false, kernelInitializer: init.he(), ...(i === 0 ? { inputShape: INPUT_SHAPE } : {}) }));
    model.add(tf.layers.batchNormalization({ name: `unit${i + 1}_bn`, momentum: BN_MOMENTUM }));
    model.add(tf.layers.activation({ name: `unit${i + 1}_relu`, activation: 'relu' }));
    model.add(tf.layers.maxPooling2d({ name: `unit${i + 1}_pool`, poolSize: 2, strides: 2 }));
  });
  model.add(tf.layers.flatten({ name: 'head_flatten' }));
  model.add(tf.layers.dense({ name: 'head_dense', units: CLASSES, activation: 'softmax', kernelInitializer: init.glorot() }));
  return model;
}

/** Builds a demo model by name. */
export function buildDemoModel(name: DemoModelName, seed: number): tf.LayersModel {
  return name === 'mnist-cnn' ? buildMnistCnn(seed) : name === 'mnist-resnet' ? buildMnistResnet(seed) : buildFashionCnn(seed);
}

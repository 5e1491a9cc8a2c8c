/** Shared tiny fixtures for the localize tests: an 8×8×1 "brightest quadrant" task and a 4-block CNN. */
import * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../../../../src/core/data/dataset';
import { createRng, shuffled } from '../../../../src/core/random';
import type { Block, BlockGraph, LayerInfo } from '../../../../src/core/types';

export const SIZE = 8;
export const CLASSES = 4;

/** `count` grey 8×8 images; the label is the quadrant that holds a bright patch. */
export function quadrantData(count: number, seed: number, name = 'quadrants'): Dataset {
  const rng = createRng(seed);
  const images = new Float32Array(count * SIZE * SIZE);
  const labels = new Int32Array(count);
  const half = SIZE / 2;
  for (let n = 0; n < count; n++) {
    const label = rng.int(CLASSES);
    labels[n] = label;
    for (let r = 0; r < SIZE; r++) {
      for (let c = 0; c < SIZE; c++) {
        const quadrant = (r < half ? 0 : 2) + (c < half ? 0 : 1);
        images[(n * SIZE + r) * SIZE + c] = 0.4 * rng.next() + (quadrant === label ? 0.45 : 0);
      }
    }
  }
  return { name, images, labels, count, height: SIZE, width: SIZE, channels: 1, classNames: ['tl', 'tr', 'bl', 'br'], provenance: `synthetic seed ${seed}` };
}

/** A Sequential 4-block CNN (conv-relu | conv-relu-pool | conv-relu | gap-dense), seeded init. */
export function tinyCnn(seed: number, headActivation: 'linear' | 'softmax' = 'linear'): tf.Sequential {
  const init = (k: number) => tf.initializers.glorotUniform({ seed: seed * 10 + k });
  return tf.sequential({
    layers: [
      tf.layers.conv2d({ name: `conv1_${seed}`, inputShape: [SIZE, SIZE, 1], filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: init(1) }),
      tf.layers.conv2d({ name: `conv2_${seed}`, filters: 6, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: init(2) }),
      tf.layers.maxPooling2d({ name: `pool2_${seed}`, poolSize: 2 }),
      tf.layers.conv2d({ name: `conv3_${seed}`, filters: 8, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: init(3) }),
      tf.layers.globalAveragePooling2d({ name: `gap_${seed}` }),
      tf.layers.dense({ name: `logits_${seed}`, units: CLASSES, activation: headActivation, kernelInitializer: init(4) }),
    ],
  });
}

/** The blocks of tinyCnn: layer indices per block. */
export const TINY_BLOCKS = [[0], [1, 2], [3], [4, 5]];

/** A BlockGraph for a Sequential chain, written by hand from layer-index groups (block-graph.ts is tested elsewhere). */
export function chainGraph(model: tf.Sequential, groups: number[][]): BlockGraph {
  const inputName = model.inputs[0].sourceLayer.name;
  const shapeOf = (name: string) => (model.getLayer(name).outputShape as number[]).slice(1);
  const names = model.layers.map((l) => l.name);
  const blockOf = (i: number) => groups.findIndex((g) => g.includes(i));
  const layers: LayerInfo[] = model.layers.map((l, i) => ({ name: l.name, className: l.getClassName(), inbound: [i === 0 ? inputName : names[i - 1]], outputShape: shapeOf(l.name), params: l.countParams(), macs: 0, block: blockOf(i) }));
  const blocks: Block[] = groups.map((g, index) => {
    const first = g[0];
    const last = g[g.length - 1];
    const inputLayer = first === 0 ? inputName : names[first - 1];
    return {
      index,
      name: index === groups.length - 1 ? 'head' : `conv unit ${index + 1}`,
      kind: index === groups.length - 1 ? 'head' : 'conv-unit',
      layers: g.map((i) => names[i]),
      inputLayer,
      outputLayer: names[last],
      inputShape: first === 0 ? [SIZE, SIZE, 1] : shapeOf(inputLayer),
      outputShape: shapeOf(names[last]),
      stride: 1,
      params: g.reduce((n, i) => n + model.layers[i].countParams(), 0),
      macs: 0,
    };
  });
  return { modelName: model.name, inputShape: [SIZE, SIZE, 1], numClasses: (model.outputs[0].shape[1] as number) ?? CLASSES, layers, blocks };
}

/**
 * A hand-weighted 2-class model (class 1 = mean brightness > 0.5) of 1×1 convs, broken in block
 * `broken`: a channel there fires only on pixels > 0.9 and pushes the decision towards class 1,
 * so dark images with a few near-white specks fail, and only through that channel. Scales are
 * chosen so the failure's gradient also lands mostly in the broken block: its input is large
 * (10×) and the weights after it are small. Blocks: [b0 relu] [b1 relu] [b2 relu] [gap, dense].
 */
export function brokenBlockModel(tag: string, broken: 1 | 2 = 1): { model: tf.Sequential; graph: BlockGraph } {
  const conv = (name: string, filters: number, inputShape?: number[]) => tf.layers.conv2d({ name: `${name}_${tag}`, filters, kernelSize: 1, activation: 'relu', ...(inputShape ? { inputShape } : {}) });
  const b2Filters = broken === 1 ? 2 : 3;
  const model = tf.sequential({ layers: [conv('b0', 2, [SIZE, SIZE, 1]), conv('b1', 3), conv('b2', b2Filters), tf.layers.globalAveragePooling2d({ name: `gap_${tag}` }), tf.layers.dense({ name: `head_${tag}`, units: 2 })] });
  // Kernels are [1, 1, in, out], listed row by row (input channel major).
  const weights =
    broken === 1
      ? [
          // b0: h0 = 10x, h1 = 10(1 − x)
          tf.tensor4d([10, -10], [1, 1, 1, 2]), tf.tensor1d([0, 10]),
          // b1: g0 = 0.1·h0, g1 = 0.1·h1, g2 = relu(h0 − 9) (the broken "speck" channel)
          tf.tensor4d([0.1, 0, 1, 0, 0.1, 0], [1, 1, 2, 3]), tf.tensor1d([0, 0, -9]),
          // b2: f0 = g0 + 5·g2, f1 = g1
          tf.tensor4d([1, 0, 0, 1, 5, 0], [1, 1, 3, 2]), tf.tensor1d([0, 0]),
          // head: logit0 = 0, logit1 = 8·(mean f0 − mean f1)
          tf.tensor2d([0, 8, 0, -8], [2, 2]), tf.tensor1d([0, 0]),
        ]
      : [
          tf.tensor4d([10, -10], [1, 1, 1, 2]), tf.tensor1d([0, 10]),
          // b1: g0 = h0, g1 = h1, g2 = h0 (a healthy copy)
          tf.tensor4d([1, 0, 1, 0, 1, 0], [1, 1, 2, 3]), tf.tensor1d([0, 0, 0]),
          // b2: f0 = 0.1·g0, f1 = 0.1·g1, f2 = relu(g2 − 9) (the broken "speck" channel)
          tf.tensor4d([0.1, 0, 0, 0, 0.1, 0, 0, 0, 1], [1, 1, 3, 3]), tf.tensor1d([0, 0, -9]),
          // head: logit1 = 8·(mean f0 − mean f1) + 40·mean f2
          tf.tensor2d([0, 8, 0, -8, 0, 40], [3, 2]), tf.tensor1d([0, 0]),
        ];
  model.setWeights(weights);
  tf.dispose(weights);
  return { model, graph: chainGraph(model, [[0], [1], [2], [3, 4]]) };
}

/**
 * Data for brokenBlockModel: bright images (class 1, pixels in [0.55, 0.85]), dark images
 * (class 0, pixels in [0.1, 0.45]), and `specks` dark images with 8 near-white pixels (class 0, fail).
 */
export function speckData(bright: number, dark: number, specks: number, seed: number): Dataset {
  const rng = createRng(seed);
  const count = bright + dark + specks;
  const px = SIZE * SIZE;
  const images = new Float32Array(count * px);
  const labels = new Int32Array(count);
  for (let n = 0; n < count; n++) {
    const isBright = n < bright;
    labels[n] = isBright ? 1 : 0;
    for (let i = 0; i < px; i++) images[n * px + i] = isBright ? 0.55 + 0.3 * rng.next() : 0.1 + 0.35 * rng.next();
    // 0.98, not 1: keeps b0's relu(10(1 − x)) off its kink, so finite differences stay valid.
    if (n >= bright + dark) for (const i of shuffled(Array.from({ length: px }, (_, i) => i), rng).slice(0, 8)) images[n * px + i] = 0.98;
  }
  return { name: 'specks', images, labels, count, height: SIZE, width: SIZE, channels: 1, classNames: ['dark', 'bright'], provenance: `synthetic seed ${seed}` };
}

/** Trains `model` with Adam for `steps` batches of 32 from `ds` (fixed order), disposing everything. */
export function train(model: tf.LayersModel, ds: Dataset, steps: number, learningRate = 0.02): void {
  const optimizer = tf.train.adam(learningRate);
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  for (let s = 0; s < steps; s++) {
    const start = (s * 32) % Math.max(1, ds.count - 32);
    tf.tidy(() => {
      const x = tf.tensor4d(ds.images.subarray(start * SIZE * SIZE, (start + 32) * SIZE * SIZE), [32, SIZE, SIZE, 1]);
      const y = tf.oneHot(tf.tensor1d(ds.labels.subarray(start, start + 32), 'int32'), CLASSES);
      optimizer.minimize(() => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor2D) as tf.Scalar, false, vars);
    });
  }
  optimizer.dispose();
}

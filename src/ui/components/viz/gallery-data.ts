/** Made-up but realistic data for the component gallery (a 4-block CNN, 20 search epochs, images); deterministic. */
import type { BlockGraph, BlockScore, EpochMetrics, Genotype, LayerInfo } from '../../../core/types';
import { createRng } from '../../../core/random';
import { normalisedEntropy } from '../../../core/search/entropy';
import { cellEdgeCount } from './alpha';
import type { ImageShape } from './pixels';

/** The eight DARTS op names, in α column order. */
export const GALLERY_OPS = ['none', 'max_pool_3x3', 'avg_pool_3x3', 'skip_connect', 'sep_conv_3x3', 'sep_conv_5x5', 'dil_conv_3x3', 'dil_conv_5x5'];
export const DIGITS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

function layer(name: string, className: string, inbound: string[], outputShape: number[], params: number, macs: number, block: number): LayerInfo {
  return { name, className, inbound, outputShape, params, macs, block };
}

/** A small MNIST CNN: two conv units, a residual unit and a dense head. */
export function galleryBlockGraph(): BlockGraph {
  const layers: LayerInfo[] = [
    layer('input', 'InputLayer', [], [28, 28, 1], 0, 0, -1),
    layer('conv1', 'Conv2D', ['input'], [28, 28, 16], 160, 112_896, 0),
    layer('relu1', 'ReLU', ['conv1'], [28, 28, 16], 0, 0, 0),
    layer('pool1', 'MaxPooling2D', ['relu1'], [14, 14, 16], 0, 0, 0),
    layer('conv2', 'Conv2D', ['pool1'], [14, 14, 32], 4_640, 903_168, 1),
    layer('relu2', 'ReLU', ['conv2'], [14, 14, 32], 0, 0, 1),
    layer('pool2', 'MaxPooling2D', ['relu2'], [7, 7, 32], 0, 0, 1),
    layer('conv3a', 'Conv2D', ['pool2'], [7, 7, 32], 9_248, 451_584, 2),
    layer('relu3a', 'ReLU', ['conv3a'], [7, 7, 32], 0, 0, 2),
    layer('conv3b', 'Conv2D', ['relu3a'], [7, 7, 32], 9_248, 451_584, 2),
    layer('add3', 'Add', ['conv3b', 'pool2'], [7, 7, 32], 0, 0, 2),
    layer('relu3', 'ReLU', ['add3'], [7, 7, 32], 0, 0, 2),
    layer('flatten', 'Flatten', ['relu3'], [1568], 0, 0, 3),
    layer('dense', 'Dense', ['flatten'], [10], 15_690, 15_680, 3),
  ];
  const block = (index: number, name: string, kind: BlockGraph['blocks'][number]['kind'], names: string[], inputLayer: string, inputShape: number[], stride: number) => {
    const own = layers.filter((l) => names.includes(l.name));
    return { index, name, kind, layers: names, inputLayer, outputLayer: names[names.length - 1], inputShape, outputShape: own[own.length - 1].outputShape, stride,
      params: own.reduce((a, l) => a + l.params, 0), macs: own.reduce((a, l) => a + l.macs, 0) };
  };
  return {
    modelName: 'mnist-cnn', inputShape: [28, 28, 1], numClasses: 10, layers,
    blocks: [
      block(0, 'conv unit 1', 'conv-unit', ['conv1', 'relu1', 'pool1'], 'input', [28, 28, 1], 2),
      block(1, 'conv unit 2', 'conv-unit', ['conv2', 'relu2', 'pool2'], 'pool1', [14, 14, 16], 2),
      block(2, 'residual 1', 'residual', ['conv3a', 'relu3a', 'conv3b', 'add3', 'relu3'], 'pool2', [7, 7, 32], 1),
      block(3, 'head', 'head', ['flatten', 'dense'], 'relu3', [7, 7, 32], 1),
    ],
  };
}

/** Localization scores for the gallery graph; block 1 ranks first. */
export function galleryScores(): BlockScore[] {
  const raw = [[0.21, 0.8e-3], [0.62, 2.4e-3], [0.44, 1.9e-3], [0.12, 0.5e-3]];
  const fMax = Math.max(...raw.map((r) => r[0]));
  const bMax = Math.max(...raw.map((r) => r[1]));
  const scores = raw.map(([forward, backward], blockIndex) => {
    const forwardNormalized = forward / fMax;
    const backwardNormalized = backward / bMax;
    return { blockIndex, forward, backward, forwardNormalized, backwardNormalized, combined: (forwardNormalized + backwardNormalized) / 2, rank: 0 };
  });
  [...scores].sort((a, b) => b.combined - a.combined).forEach((s, i) => (s.rank = i + 1));
  return scores;
}

/** DARTS-style parse for the made-up α: per node the best non-none op per edge, keeping the top two edges. */
function parse(alpha: number[][], steps: number): Genotype {
  const edges: Genotype['edges'] = [];
  let row = 0;
  for (let node = 1; node <= steps; node++) {
    const candidates = Array.from({ length: node }, (_, from) => {
      const weights = alpha[row + from];
      let best = 1;
      for (let k = 2; k < weights.length; k++) if (weights[k] > weights[best]) best = k;
      return { node, from, op: GALLERY_OPS[best], weight: weights[best] };
    });
    row += node;
    candidates.sort((a, b) => b.weight - a.weight).slice(0, 2).forEach(({ node: n, from, op }) => edges.push({ node: n, from, op }));
  }
  return { steps, edges, concat: Array.from({ length: steps }, (_, i) => i + 1) };
}

/** `epochs` search epochs with α drifting towards per-edge favourites that change halfway, so genotypes change. */
export function galleryHistory(epochs = 20, steps = 3): EpochMetrics[] {
  const rng = createRng(7);
  const edgeCount = cellEdgeCount(steps);
  const early = Array.from({ length: edgeCount }, () => 1 + rng.int(GALLERY_OPS.length - 1));
  const late = early.map((op, e) => (e % 2 === 0 ? op : 1 + rng.int(GALLERY_OPS.length - 1)));
  const logits = Array.from({ length: edgeCount }, () => GALLERY_OPS.map(() => 1e-3 * rng.normal()));
  const out: EpochMetrics[] = [];
  for (let epoch = 1; epoch <= epochs; epoch++) {
    logits.forEach((row, e) => {
      row[epoch <= epochs / 2 ? early[e] : late[e]] += 0.18 + 0.05 * rng.next();
      row.forEach((_, k) => (row[k] += 0.04 * rng.normal()));
    });
    const alphaSoftmax = logits.map((row) => {
      const m = Math.max(...row);
      const ex = row.map((v) => Math.exp(v - m));
      const sum = ex.reduce((a, b) => a + b, 0);
      return ex.map((v) => v / sum);
    });
    const t = epoch / epochs;
    out.push({
      epoch, lossWeights: 2.1 * Math.exp(-2.2 * t) + 0.25 + 0.04 * rng.normal(), lossAlpha: 2.3 * Math.exp(-1.8 * t) + 0.35 + 0.05 * rng.normal(),
      accFailures: Math.min(1, 0.05 + 0.8 * (1 - Math.exp(-3 * t)) + 0.02 * rng.normal()),
      accValidation: 0.93 + 0.04 * t + 0.005 * rng.normal(), accAdversarial: 0.31 + 0.3 * (1 - Math.exp(-2 * t)) + 0.015 * rng.normal(),
      // No rng draw here, so adding the drift series left every other made-up number as it was.
      accDrift: 0.38 + 0.45 * (1 - Math.exp(-2.5 * t)) + 0.01 * Math.sin(7 * epoch),
      alphaSoftmax, alphaEntropy: normalisedEntropy(alphaSoftmax), ops: [...GALLERY_OPS], genotype: parse(alphaSoftmax, steps), wallMs: 2400 + 300 * rng.next(), samplesPerSecond: 410 + 40 * rng.next(),
    });
  }
  return out;
}

/** `count` synthetic images (digit-like rings and bars, or colour gradients) with labels and predictions. */
export function galleryImages(count: number, size: number, channels: 1 | 3, seed: number): { pixels: Float32Array; shape: ImageShape; labels: Int32Array; predictions: Int32Array } {
  const rng = createRng(seed);
  const pixels = new Float32Array(count * size * size * channels);
  const labels = new Int32Array(count);
  const predictions = new Int32Array(count);
  for (let n = 0; n < count; n++) {
    const label = rng.int(10);
    labels[n] = label;
    predictions[n] = rng.next() < 0.7 ? label : (label + 1 + rng.int(9)) % 10;
    const c = (size - 1) / 2;
    for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) {
      const r = Math.hypot(x - c, y - c) / size;
      const ring = Math.exp(-(((r - 0.1 - 0.025 * label) / 0.05) ** 2));
      const bar = Math.abs(x - c - (label - 5)) < 1.5 && Math.abs(y - c) < size * 0.35 ? 1 : 0;
      const noise = 0.12 * rng.next();
      const base = ((n * size + y) * size + x) * channels;
      if (channels === 1) pixels[base] = Math.min(1, label % 2 === 0 ? ring + noise : bar + noise);
      else {
        pixels[base] = Math.min(1, (x / size) * (label / 9) + noise);
        pixels[base + 1] = Math.min(1, ring * 0.9 + noise);
        pixels[base + 2] = Math.min(1, (y / size) * (1 - label / 9) + noise);
      }
    }
  }
  return { pixels, shape: [count, size, size, channels], labels, predictions };
}

/** A 10-class confusion matrix with `accuracy` of each row on the diagonal and the rest spread over neighbours. */
export function galleryConfusion(accuracy: number, seed: number): number[][] {
  const rng = createRng(seed);
  return DIGITS.map((_, t) => {
    const total = 90 + rng.int(30);
    const row = DIGITS.map(() => 0);
    row[t] = Math.round(total * Math.min(1, accuracy + 0.08 * rng.normal()));
    for (let k = row[t]; k < total; k++) row[(t + 1 + rng.int(3) * (rng.next() < 0.5 ? 1 : 3)) % 10]++;
    return row;
  });
}

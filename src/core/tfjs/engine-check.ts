import * as tf from '@tensorflow/tfjs';
import { LabError } from '../errors';
import { phaseReporter, yieldToEventLoop, type CancelToken } from '../progress';
import { createRng } from '../random';
import type { ProgressCallback } from '../types';

/** Settings of the engine check: a tiny CNN trained on a synthetic, learnable task. */
export interface EngineCheckConfig {
  batches: number;
  batchSize: number;
  seed: number;
  learningRate: number;
}

export interface EngineCheckResult {
  backend: string;
  /** Training loss after each batch, read with `await data()`. */
  losses: number[];
  samplesPerSecond: number;
  wallMs: number;
  /** Tensors alive after the check minus before it; 0 means no leak. */
  tensorsLeaked: number;
}

export const DEFAULT_ENGINE_CHECK: EngineCheckConfig = { batches: 25, batchSize: 32, seed: 1, learningRate: 0.1 };

const SIZE = 12;
const CLASSES = 4;

export function validateEngineCheckConfig(partial: Partial<EngineCheckConfig>): EngineCheckConfig {
  const config = { ...DEFAULT_ENGINE_CHECK, ...partial };
  const intIn = (field: keyof EngineCheckConfig, lo: number, hi: number) => {
    const v = config[field];
    if (!Number.isInteger(v) || v < lo || v > hi) {
      throw new LabError(`Engine check: ${field} must be a whole number from ${lo} to ${hi}, got ${v}.`, { field, fix: `Set ${field} between ${lo} and ${hi}.` });
    }
  };
  intIn('batches', 1, 500);
  intIn('batchSize', 1, 512);
  intIn('seed', 0, 2 ** 31 - 1);
  if (!(config.learningRate > 0 && config.learningRate <= 1)) {
    throw new LabError(`Engine check: learningRate must be in (0, 1], got ${config.learningRate}.`, { field: 'learningRate', fix: 'Use e.g. 0.05.' });
  }
  return config;
}

/**
 * Synthetic task: a 12×12 grey image whose brightest quadrant is the label. Learnable in a
 * few batches, so a falling loss proves forward, backward and update all ran on the backend.
 */
function syntheticBatch(batchSize: number, rng: ReturnType<typeof createRng>): { x: tf.Tensor4D; y: tf.Tensor2D } {
  const pixels = new Float32Array(batchSize * SIZE * SIZE);
  const labels = new Int32Array(batchSize);
  const half = SIZE / 2;
  for (let n = 0; n < batchSize; n++) {
    const label = rng.int(CLASSES);
    labels[n] = label;
    for (let r = 0; r < SIZE; r++) {
      for (let c = 0; c < SIZE; c++) {
        const quadrant = (r < half ? 0 : 2) + (c < half ? 0 : 1);
        pixels[(n * SIZE + r) * SIZE + c] = 0.3 * rng.next() + (quadrant === label ? 0.6 : 0);
      }
    }
  }
  return tf.tidy(() => ({ x: tf.tensor4d(pixels, [batchSize, SIZE, SIZE, 1]), y: tf.oneHot(tf.tensor1d(labels, 'int32'), CLASSES) as tf.Tensor2D }));
}

function buildNet(seed: number): tf.Sequential {
  const init = (offset: number) => tf.initializers.glorotUniform({ seed: seed + offset });
  return tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [SIZE, SIZE, 1], filters: 8, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: init(1) }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.conv2d({ filters: 8, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: init(2) }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten({}),
      tf.layers.dense({ units: CLASSES, kernelInitializer: init(3) }),
    ],
  });
}

/** Trains a tiny CNN for a few batches on the active backend and returns the losses. */
export async function runEngineCheck(partial: Partial<EngineCheckConfig>, cancel?: CancelToken, onProgress?: ProgressCallback): Promise<EngineCheckResult> {
  const config = validateEngineCheckConfig(partial);
  const before = tf.memory().numTensors;
  const started = performance.now();
  const rng = createRng(config.seed);
  const model = buildNet(config.seed);
  const optimizer = tf.train.sgd(config.learningRate);
  const varList = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const report = phaseReporter('engine check: training', config.batches, onProgress);
  const losses: number[] = [];
  try {
    for (let b = 0; b < config.batches; b++) {
      cancel?.throwIfCancelled('engine check');
      const { x, y } = syntheticBatch(config.batchSize, rng);
      const loss = optimizer.minimize(() => {
        const logits = model.apply(x, { training: true }) as tf.Tensor;
        return tf.losses.softmaxCrossEntropy(y, logits).mean() as tf.Scalar;
      }, true, varList);
      x.dispose();
      y.dispose();
      const [value] = await loss!.data();
      loss!.dispose();
      losses.push(value);
      report(b + 1);
      await yieldToEventLoop();
    }
  } finally {
    optimizer.dispose();
    model.dispose();
  }
  const wallMs = performance.now() - started;
  return {
    backend: tf.getBackend(),
    losses,
    samplesPerSecond: (config.batches * config.batchSize) / (wallMs / 1000),
    wallMs,
    tensorsLeaked: tf.memory().numTensors - before,
  };
}

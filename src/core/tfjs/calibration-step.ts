import * as tf from '@tensorflow/tfjs';

/**
 * The workload timed on each backend: one SGD step of a small MNIST-sized CNN (conv, batch
 * norm, ReLU, pooling, dense), the op mix and sizes of the lab's own search steps.
 */
export interface CalibrationStepConfig {
  batchSize: number;
  imageSize: number;
  /** Timed steps after the warm-up step, at most. */
  maxSteps: number;
  /** Stop timing after this many ms of timed steps (at least one step always runs). */
  budgetMs: number;
}

export const DEFAULT_CALIBRATION_STEP: CalibrationStepConfig = { batchSize: 32, imageSize: 28, maxSteps: 6, budgetMs: 1200 };

export interface StepTiming {
  samplesPerSecond: number;
  stepMs: number;
  warmupMs: number;
  steps: number;
}

const CLASSES = 10;

function buildNet(imageSize: number): tf.Sequential {
  const seeded = (seed: number) => tf.initializers.glorotUniform({ seed });
  return tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [imageSize, imageSize, 1], filters: 16, kernelSize: 3, padding: 'same', useBias: false, kernelInitializer: seeded(1) }),
      tf.layers.batchNormalization({}),
      tf.layers.reLU({}),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.conv2d({ filters: 32, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: seeded(2) }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten({}),
      tf.layers.dense({ units: CLASSES, kernelInitializer: seeded(3) }),
    ],
  });
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/**
 * Times training steps on the active backend: one warm-up step (kernel compilation, uploads),
 * then up to `maxSteps` steps within `budgetMs`, each read back so queued GPU work is counted.
 * Leaves no tensor behind.
 */
export async function timeTrainingStep(config: CalibrationStepConfig = DEFAULT_CALIBRATION_STEP): Promise<StepTiming> {
  const { batchSize, imageSize } = config;
  const model = buildNet(imageSize);
  const optimizer = tf.train.sgd(0.01);
  const varList = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const x = tf.randomUniform([batchSize, imageSize, imageSize, 1], 0, 1, 'float32', 7);
  const y = tf.tidy(() => tf.oneHot(tf.randomUniform([batchSize], 0, CLASSES, 'int32', 8), CLASSES));
  const step = async () => {
    const started = performance.now();
    const loss = optimizer.minimize(() => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor).mean() as tf.Scalar, true, varList);
    await loss!.data();
    loss!.dispose();
    return performance.now() - started;
  };
  try {
    const warmupMs = await step();
    const times: number[] = [];
    let spent = 0;
    while (times.length < config.maxSteps && (times.length === 0 || spent < config.budgetMs)) {
      const ms = await step();
      times.push(ms);
      spent += ms;
    }
    const stepMs = median(times);
    return { samplesPerSecond: batchSize / (stepMs / 1000), stepMs, warmupMs, steps: times.length };
  } finally {
    x.dispose();
    y.dispose();
    optimizer.dispose();
    model.dispose();
  }
}

/** Seeded supervised training of a demo model with model.fit (one fit call per epoch, our own seeded shuffle). */
import * as tf from '@tensorflow/tfjs';
import { imageSize, type Dataset } from '../../src/core/data/dataset';
import { createRng, shuffled } from '../../src/core/random';

export interface TrainOptions {
  /** Adam learning rate per epoch (its length is the number of epochs). */
  learningRates: readonly number[];
  batchSize: number;
  seed: number;
}

/** Trains `model` on `train` with Adam and sparse cross-entropy; returns the mean loss of the last epoch. */
export async function trainModel(model: tf.LayersModel, train: Dataset, options: TrainOptions, log: (message: string) => void): Promise<{ finalLoss: number }> {
  const epochs = options.learningRates.length;
  const rng = createRng(options.seed + 7);
  const size = imageSize(train);
  const batches = Math.ceil(train.count / options.batchSize);
  let finalLoss = NaN;
  for (let epoch = 0; epoch < epochs; epoch++) {
    // A step schedule: a fresh Adam per epoch at that epoch's rate (short runs need the late, smaller steps).
    model.optimizer?.dispose();
    model.compile({ optimizer: tf.train.adam(options.learningRates[epoch]), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
    // tfjs's own `shuffle: true` uses Math.random; a seeded permutation keeps runs reproducible.
    const order = shuffled(Array.from({ length: train.count }, (_, i) => i), rng);
    const pixels = new Float32Array(train.count * size);
    const labels = new Float32Array(train.count);
    order.forEach((src, i) => {
      pixels.set(train.images.subarray(src * size, (src + 1) * size), i * size);
      labels[i] = train.labels[src];
    });
    const x = tf.tensor4d(pixels, [train.count, train.height, train.width, train.channels]);
    const y = tf.tensor1d(labels);
    const started = performance.now();
    let lossSum = 0;
    let accSum = 0;
    try {
      await model.fit(x, y, {
        epochs: 1,
        batchSize: options.batchSize,
        shuffle: false,
        verbose: 0,
        callbacks: {
          onBatchEnd: async (batch, logs) => {
            lossSum += logs?.loss ?? 0;
            accSum += logs?.acc ?? 0;
            if ((batch + 1) % 100 === 0 || batch + 1 === batches) {
              const rate = ((batch + 1) * options.batchSize) / ((performance.now() - started) / 1000);
              log(`epoch ${epoch + 1}/${epochs} batch ${batch + 1}/${batches}: loss ${(lossSum / (batch + 1)).toFixed(4)}, acc ${(accSum / (batch + 1)).toFixed(4)}, ${rate.toFixed(0)} samples/s`);
            }
          },
        },
      });
    } finally {
      tf.dispose([x, y]);
    }
    finalLoss = lossSum / batches;
  }
  return { finalLoss };
}

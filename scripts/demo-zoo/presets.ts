/** Training presets of the demo zoo, as data: which data, how much, how long. Sized so the whole zoo trains in well under 30 min on 2 cores (wasm). */
import type { BundledDatasetName } from '../../src/core/data/bundled';
import type { SourceName } from '../../src/core/data/node-source';
import type { DemoModelName } from './architectures';

export interface DemoPreset {
  title: string;
  description: string;
  summary: string;
  source: SourceName;
  testSet: BundledDatasetName;
  /** Training images drawn (seeded shuffle) from the 60 000-image training split. */
  trainCount: number;
  /** Adam learning rate per epoch; its length is the number of epochs. */
  learningRates: number[];
  batchSize: number;
}

export const DEMO_PRESETS: Record<DemoModelName, DemoPreset> = {
  'mnist-cnn': {
    title: 'MNIST CNN (sequential)',
    description: 'A small sequential digit classifier: three conv units (conv 3×3, ReLU, max-pool) and a dense softmax head.',
    summary: 'conv16-pool → conv32-pool → conv32-pool → dense10',
    source: 'mnist',
    testSet: 'mnist-test',
    trainCount: 20000,
    learningRates: [0.002, 0.001, 0.0003],
    batchSize: 64,
  },
  'mnist-resnet': {
    title: 'MNIST tiny ResNet (functional)',
    description: 'A functional-API ResNet: a strided stem, three residual units (one downsampling with a 1×1 projection shortcut) and global average pooling.',
    summary: 'stem conv16/2 → res16 → res32/2 (1×1 projection) → res32 → global pool → dense10',
    source: 'mnist',
    testSet: 'mnist-test',
    trainCount: 15000,
    learningRates: [0.002, 0.001, 0.0003],
    batchSize: 64,
  },
  'fashion-cnn': {
    title: 'Fashion-MNIST CNN with batch normalization',
    description: 'A sequential clothing classifier: three conv units (conv 3×3, BatchNorm momentum 0.9, ReLU, max-pool) and a dense softmax head.',
    summary: 'conv16-bn-pool → conv32-bn-pool → conv64-bn-pool → dense10',
    source: 'fashion',
    testSet: 'fashion-test',
    trainCount: 20000,
    learningRates: [0.002, 0.001, 0.0003],
    batchSize: 64,
  },
};

import { PRIMITIVES, type OpName } from './primitives';

/** A search space: node count and candidate ops (α's columns, in PRIMITIVES order). */
export interface SearchPreset {
  name: PresetName;
  steps: number;
  ops: readonly OpName[];
}

export const PRESET_NAMES = ['paper', 'lite'] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

/** `paper`: DARTS' 4 nodes × 8 ops. `lite`: 3 nodes × 5 ops for slow machines (≈ ⅓ the compute). */
export const PRESETS: Record<PresetName, SearchPreset> = {
  paper: { name: 'paper', steps: 4, ops: PRIMITIVES },
  lite: { name: 'lite', steps: 3, ops: ['none', 'max_pool_3x3', 'skip_connect', 'sep_conv_3x3', 'dil_conv_3x3'] },
};

/** Optimiser settings for α (DARTS architect.py: Adam with L2 weight decay). */
export interface AlphaHyperparameters {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  weightDecay: number;
  /** α starts at initScale · N(0, 1). */
  initScale: number;
}

/** Optimiser settings for the cell weights (DARTS train_search.py: SGD + cosine schedule). */
export interface WeightHyperparameters {
  learningRate: number;
  /** Cosine annealing floor reached at the last epoch. */
  learningRateMin: number;
  momentum: number;
  weightDecay: number;
  /** Gradients are clipped to this global L2 norm. */
  gradClipNorm: number;
}

export interface SearchHyperparameters {
  alpha: AlphaHyperparameters;
  weights: WeightHyperparameters;
  batchSize: number;
}

/** DARTS CIFAR-10 search defaults (DESIGN §4, METHOD §2.2). */
export const DARTS_HYPERPARAMETERS: SearchHyperparameters = {
  alpha: { learningRate: 3e-4, beta1: 0.5, beta2: 0.999, epsilon: 1e-8, weightDecay: 1e-3, initScale: 1e-3 },
  weights: { learningRate: 0.025, learningRateMin: 0.001, momentum: 0.9, weightDecay: 3e-4, gradClipNorm: 5 },
  batchSize: 64,
};

/** Cosine-annealed learning rate for `epoch` (0-based) of `epochs` (DARTS CosineAnnealingLR). */
export function cosineLearningRate(epoch: number, epochs: number, { learningRate, learningRateMin }: WeightHyperparameters): number {
  const progress = epochs <= 0 ? 0 : Math.min(epoch, epochs) / epochs;
  return learningRateMin + ((learningRate - learningRateMin) * (1 + Math.cos(Math.PI * progress))) / 2;
}

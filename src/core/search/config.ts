import { LabError, type ErrorParams } from '../errors';
import type { SearchOrder } from './architect';
import { DARTS_HYPERPARAMETERS, PRESET_NAMES, type AlphaHyperparameters, type PresetName, type WeightHyperparameters } from './presets';

/** Settings of one block search; validated once by `validateSearchConfig`. */
export interface SearchConfig {
  /** Search space: 'paper' (4 nodes, 8 ops) or 'lite' (3 nodes, 5 ops). */
  preset: PresetName;
  /** Output channels Cout of the searched block. */
  outputChannels: number;
  /** Block stride: the output is ⌈H/s⌉ × ⌈W/s⌉. */
  stride: 1 | 2;
  /** Shortcut from the block input around the cell. */
  residual: boolean;
  /** End the cell with a ReLU (set when the replaced block's output is non-negative). */
  outputRelu: boolean;
  /** Planned epochs: the length of the cosine learning-rate schedule (1–1000). */
  epochs: number;
  /** Examples per α batch and per weight batch (1–1024). */
  batchSize: number;
  /** Seeds α, weights and shuffling. */
  seed: number;
  /** α gradient: 'first' (default) or 'second' (unrolled, about 3× the work per α step). */
  order: SearchOrder;
  /**
   * Epochs at the start that train the cell weights only, α held (PC-DARTS' warm-up against α
   * locking onto pooling and skips while the convs are untrained). Off in the lab's configs: on
   * the development drifts it gained nothing (README Efficacy).
   */
  alphaWarmupEpochs: number;
  /** Weight of the output-distillation term of the repair loss (repair-loss.ts). */
  distillWeight: number;
  /** Weight of the correction cell's do-no-harm term on clean images (repair-loss.ts correctionPenalty). */
  correctionPenalty: number;
  alpha: AlphaHyperparameters;
  weights: WeightHyperparameters;
}

/** What callers pass: only the block contract is required; the rest defaults to DARTS. */
export type SearchConfigInput = Partial<Omit<SearchConfig, 'alpha' | 'weights'>> &
  Pick<SearchConfig, 'outputChannels' | 'stride'> & { alpha?: Partial<AlphaHyperparameters>; weights?: Partial<WeightHyperparameters> };

export const DEFAULT_SEARCH_CONFIG: Omit<SearchConfig, 'outputChannels' | 'stride'> = {
  preset: 'paper',
  residual: true,
  outputRelu: false,
  epochs: 20,
  batchSize: DARTS_HYPERPARAMETERS.batchSize,
  seed: 0,
  order: 'first',
  alphaWarmupEpochs: 0,
  distillWeight: 1,
  correctionPenalty: 1,
  alpha: DARTS_HYPERPARAMETERS.alpha,
  weights: DARTS_HYPERPARAMETERS.weights,
};

/** Fills defaults and rejects out-of-range settings with the field and a fix. */
export function validateSearchConfig(input: SearchConfigInput): SearchConfig {
  const config: SearchConfig = {
    ...DEFAULT_SEARCH_CONFIG,
    ...input,
    alpha: { ...DEFAULT_SEARCH_CONFIG.alpha, ...input.alpha },
    weights: { ...DEFAULT_SEARCH_CONFIG.weights, ...input.weights },
  };
  const fail = (field: string, message: string, fix: string, coded?: { code: string; params: ErrorParams }): never => {
    throw new LabError(`Search settings: ${message}`, { field, fix, ...coded });
  };
  const intIn = (field: string, v: number, lo: number, hi: number) => {
    if (!Number.isInteger(v) || v < lo || v > hi) fail(field, `${field} must be a whole number from ${lo} to ${hi}, got ${v}.`, `Set ${field} between ${lo} and ${hi}.`, { code: 'search_setting_range', params: { field, lo, hi, got: String(v) } });
  };
  if (!PRESET_NAMES.includes(config.preset)) fail('preset', `unknown preset '${config.preset}'.`, `Use one of ${PRESET_NAMES.join(', ')}.`);
  if (config.stride !== 1 && config.stride !== 2) fail('stride', `stride must be 1 or 2, got ${config.stride}.`, 'Search a block that keeps or halves the resolution.');
  if (config.order !== 'first' && config.order !== 'second') fail('order', `order must be 'first' or 'second', got '${config.order}'.`, "Use 'first' (DARTS default for speed).");
  intIn('outputChannels', config.outputChannels, 1, 4096);
  intIn('epochs', config.epochs, 1, 1000);
  intIn('alphaWarmupEpochs', config.alphaWarmupEpochs, 0, 1000);
  intIn('batchSize', config.batchSize, 1, 1024);
  intIn('seed', config.seed, 0, 2 ** 31 - 1);
  const positive: [string, number][] = [
    ['alpha.learningRate', config.alpha.learningRate],
    ['weights.learningRate', config.weights.learningRate],
    ['weights.gradClipNorm', config.weights.gradClipNorm],
    ['alpha.epsilon', config.alpha.epsilon],
  ];
  for (const [field, v] of positive) if (!(v > 0 && Number.isFinite(v))) fail(field, `${field} must be > 0, got ${v}.`, 'Use the DARTS default.');
  const unit: [string, number][] = [
    ['alpha.beta1', config.alpha.beta1],
    ['alpha.beta2', config.alpha.beta2],
    ['weights.momentum', config.weights.momentum],
  ];
  for (const [field, v] of unit) if (!(v >= 0 && v < 1)) fail(field, `${field} must be in [0, 1), got ${v}.`, 'Use the DARTS default.');
  const nonNegative: [string, number][] = [
    ['alpha.weightDecay', config.alpha.weightDecay],
    ['alpha.initScale', config.alpha.initScale],
    ['weights.weightDecay', config.weights.weightDecay],
    ['weights.learningRateMin', config.weights.learningRateMin],
  ];
  nonNegative.push(['distillWeight', config.distillWeight], ['correctionPenalty', config.correctionPenalty]);
  for (const [field, v] of nonNegative) if (!(v >= 0 && Number.isFinite(v))) fail(field, `${field} must be ≥ 0, got ${v}.`, 'Use the DARTS default.');
  if (config.weights.learningRateMin > config.weights.learningRate) fail('weights.learningRateMin', 'the final learning rate exceeds the initial one.', 'Lower weights.learningRateMin.');
  return config;
}

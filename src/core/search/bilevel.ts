import * as tf from '@tensorflow/tfjs';
import { LabError } from '../errors';
import { phaseReporter, yieldToEventLoop, type CancelToken } from '../progress';
import { createRng, shuffled, type Rng } from '../random';
import type { EpochMetrics, Genotype, ProgressCallback } from '../types';
import { createArchitect, weightGrads, type LossFn, type UnrollContext } from './architect';
import { disposeBatch, gatherBatch, indicesWhere, validateSearchData, type Batch, type SearchData, type Split } from './batches';
import { createCell, edgeCount, type Cell } from './cell';
import { validateSearchConfig, type SearchConfig, type SearchConfigInput } from './config';
import { countCorrect } from './evaluate';
import { correctionPenalty, repairLoss } from './repair-loss';
import { normalisedEntropy } from './entropy';
import { parseGenotype } from './genotype';
import { createAdam, createSgd, globalNormClipScale } from './optimizers';
import { PRESETS, cosineLearningRate } from './presets';
import type { OpName } from './primitives';
import { assignTensorData, assignTensorDataList, optimizerState, restoreOptimizer, toTensorData, toTensorDataList, type SearchState } from './state';

export type { SearchData, Split } from './batches';
export type { SearchState } from './state';

/** The frozen rest of the model: block output [N,H',W',Cout] → logits [N, classes]. */
export type Suffix = (blockOut: tf.Tensor4D) => tf.Tensor;

/** The original block, frozen: block input → block output (the path the cell corrects). */
export type BaseBlock = (x: tf.Tensor4D) => tf.Tensor;

/** A running block search (DARTS train_search.py), one epoch per `step()`. */
export interface Search {
  readonly config: SearchConfig;
  /** Epochs completed. */
  readonly epoch: number;
  readonly steps: number;
  /** α's column order. */
  readonly ops: readonly OpName[];
  /** One α update on a random S_α batch (teaching); resolves to its loss. */
  stepAlpha(): Promise<number>;
  /** One weight update on a random S_w batch (teaching); resolves to its loss. */
  stepWeights(): Promise<number>;
  /**
   * One epoch: ⌊|S_w|/batch⌋ steps, each an α update on an S_α batch then a weight update
   * on an S_w batch (DARTS order), then inference-mode metrics read with one `await data()`:
   * mean losses; accuracy on the isFailure examples of S_w ∪ S_α (all of them without flags);
   * on validation; on adversarial copies (NaN without that split); samplesPerSecond counts
   * the training examples of both sides over the epoch's wall time. A cancel throws
   * CancelledError between batches; that epoch is then partly trained and not counted.
   */
  step(cancel?: CancelToken, onProgress?: ProgressCallback): Promise<EpochMetrics>;
  alphaSoftmax(): Promise<number[][]>;
  genotype(): Promise<Genotype>;
  getState(): Promise<SearchState>;
  /** The supernet block (derive inherits its trained weights). */
  readonly cell: Cell;
  setState(state: SearchState): void;
  dispose(): void;
}

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

/** Rows of `matrix` (flat, row-major) as number arrays. */
const rowsOf = (flat: ArrayLike<number>, rows: number, columns: number): number[][] =>
  range(rows).map((r) => Array.from({ length: columns }, (_, c) => flat[r * columns + c]));

/**
 * Creates a search over cached block inputs. `suffix` is called inside the search's tidy
 * scopes; `extraVariables` (e.g. suffix weights) train with the cell weights when given.
 * With `base` (the original block) the cell is a zero-initialised correction of it, so the
 * search starts from the original model's function (CellSpec.correction).
 * Deterministic for `config.seed` on a given backend.
 */
export function createSearch(input: SearchConfigInput, data: SearchData, suffix: Suffix, extraVariables: tf.Variable[] = [], base?: BaseBlock): Search {
  const config = validateSearchConfig(input);
  const [h, w, cin] = validateSearchData(data);
  const { steps, ops } = PRESETS[config.preset];
  checkSuffix(data.weights, [Math.ceil(h / config.stride), Math.ceil(w / config.stride), config.outputChannels], suffix);
  const initRng = createRng(config.seed);
  let rng: Rng = createRng(config.seed ^ 0x5eed);
  const cell = createCell({ inputShape: [h, w, cin], outputChannels: config.outputChannels, stride: config.stride, steps, ops, residual: config.residual, outputRelu: config.outputRelu, correction: base !== undefined }, initRng);
  /** The block output, and (with a base) the correction the cell adds to it. */
  const blockParts = (x: tf.Tensor4D, alphaSoftmax: tf.Tensor2D, training: boolean): { out: tf.Tensor4D; correction: tf.Tensor4D | null } => {
    if (!base) return { out: cell.apply(x, alphaSoftmax, training), correction: null };
    const correction = cell.apply(x, alphaSoftmax, training);
    const sum = tf.add(base(x), correction) as tf.Tensor4D;
    return { out: config.outputRelu ? tf.relu(sum) : sum, correction };
  };
  const blockOut = (x: tf.Tensor4D, alphaSoftmax: tf.Tensor2D, training: boolean): tf.Tensor4D => tf.tidy(() => blockParts(x, alphaSoftmax, training).out);
  const loss: LossFn<Batch> = (batch, alpha, training) =>
    tf.tidy(() => {
      const { out, correction } = blockParts(batch.x, tf.softmax(alpha), training);
      const value = repairLoss(suffix(out), batch, config.distillWeight);
      return correction && config.correctionPenalty > 0 ? (value.add(correctionPenalty(correction, out, batch.teacher?.mask).mul(config.correctionPenalty)) as tf.Scalar) : value;
    });
  const architect = createArchitect<Batch>([edgeCount(steps), ops.length], config.alpha, config.order, initRng, loss);
  const weights = [...cell.variables, ...extraVariables];
  const sgd = createSgd(weights, config.weights);
  let epoch = 0;

  const forward = (x: tf.Tensor4D): tf.Tensor => tf.tidy(() => suffix(blockOut(x, architect.softmax(), false)));
  const unroll = (): UnrollContext => ({ weights, momentumBuffers: sgd.slots, learningRate: sgd.learningRate, momentum: config.weights.momentum, weightDecay: config.weights.weightDecay });
  const sample = (split: Split): number[] => shuffled(range(split.shape[0]), rng).slice(0, config.batchSize);
  const setLearningRate = () => {
    sgd.learningRate = cosineLearningRate(epoch, config.epochs, config.weights);
  };

  const trainWeights = (batch: Batch): tf.Scalar => {
    const { value, grads } = weightGrads(() => loss(batch, architect.alpha as tf.Tensor as tf.Tensor2D, true), weights);
    const scale = globalNormClipScale(grads, config.weights.gradClipNorm);
    sgd.apply(grads, scale);
    tf.dispose([...grads, scale]);
    return value;
  };

  /** Runs `fn` on gathered batches and disposes them whatever happens. */
  const withBatches = <T>(alphaIdx: number[], weightIdx: number[], fn: (a: Batch, w: Batch) => T): T => {
    const a = gatherBatch(data.alpha, alphaIdx);
    const wb = gatherBatch(data.weights, weightIdx);
    try {
      return fn(a, wb);
    } finally {
      disposeBatch(a);
      disposeBatch(wb);
    }
  };

  const readScalar = async (t: tf.Scalar): Promise<number> => {
    const [value] = await t.data();
    t.dispose();
    return value;
  };

  const search: Search = {
    config,
    get epoch() {
      return epoch;
    },
    steps,
    ops,

    async stepAlpha() {
      setLearningRate();
      return readScalar(withBatches(sample(data.alpha), sample(data.weights), (a, wb) => architect.step(a, wb, unroll())));
    },

    async stepWeights() {
      setLearningRate();
      return readScalar(withBatches([], sample(data.weights), (_a, wb) => trainWeights(wb)));
    },

    async step(cancel, onProgress) {
      const started = performance.now();
      const nW = data.weights.shape[0];
      const nA = data.alpha.shape[0];
      const weightOrder = shuffled(range(nW), rng);
      const alphaOrder = shuffled(range(nA), rng);
      const batches = Math.max(1, Math.floor(nW / config.batchSize));
      const alphaSize = Math.min(config.batchSize, nA);
      const report = phaseReporter(`search: epoch ${epoch + 1}`, batches, onProgress);
      setLearningRate();
      let sums = tf.zeros([2]);
      let samples = 0;
      try {
        for (let b = 0; b < batches; b++) {
          cancel?.throwIfCancelled('search');
          const weightIdx = weightOrder.slice(b * config.batchSize, (b + 1) * config.batchSize);
          const alphaIdx = range(alphaSize).map((k) => alphaOrder[(b * alphaSize + k) % nA]);
          const warmingUp = epoch < config.alphaWarmupEpochs;
          const losses = withBatches(alphaIdx, weightIdx, (a, wb) => {
            const lossAlpha = warmingUp ? tf.tidy(() => loss(a, architect.alpha as tf.Tensor as tf.Tensor2D, true)) : architect.step(a, wb, unroll());
            const lossWeights = trainWeights(wb);
            return [lossAlpha, lossWeights];
          });
          const next = tf.tidy(() => sums.add(tf.stack(losses)));
          tf.dispose([sums, ...losses]);
          sums = next;
          samples += weightIdx.length + alphaIdx.length;
          report(b + 1);
          await yieldToEventLoop();
        }
        epoch++;
        return await epochMetrics(sums, batches, samples, started);
      } finally {
        sums.dispose();
      }
    },

    async alphaSoftmax() {
      const sm = architect.softmax();
      const values = await sm.data();
      sm.dispose();
      return rowsOf(values, sm.shape[0], ops.length);
    },

    async genotype() {
      return parseGenotype(await search.alphaSoftmax(), steps, ops);
    },

    async getState() {
      return {
        version: 1,
        epoch,
        rngState: rng.state(),
        alpha: await toTensorData(architect.alpha),
        weights: await toTensorDataList(weights),
        buffers: await toTensorDataList(cell.buffers),
        alphaOptimizer: await optimizerState(architect.optimizer),
        weightsOptimizer: await optimizerState(sgd),
      };
    },

    setState(state) {
      if (state.version !== 1) throw new LabError(`Search checkpoint: version ${state.version} is not supported.`, { field: 'version', fix: 'Start a new search.' });
      assignTensorData(architect.alpha, state.alpha, 'alpha');
      assignTensorDataList(weights, state.weights, 'weights');
      assignTensorDataList(cell.buffers, state.buffers, 'buffers');
      restoreOptimizer(architect.optimizer, state.alphaOptimizer, 'alphaOptimizer');
      restoreOptimizer(sgd, state.weightsOptimizer, 'weightsOptimizer');
      epoch = state.epoch;
      rng = createRng(config.seed, state.rngState);
    },

    cell,

    dispose() {
      sgd.dispose();
      architect.dispose();
      cell.dispose();
    },
  };

  /** Evaluates and reads everything for the epoch with one `await data()`. */
  async function epochMetrics(lossSums: tf.Tensor, batches: number, samples: number, started: number): Promise<EpochMetrics> {
    const failureIdx = (split: Split) => indicesWhere(split.shape[0], (i) => (split.isFailure ? split.isFailure[i] === 1 : true));
    const failW = failureIdx(data.weights);
    const failA = failureIdx(data.alpha);
    const counts = [
      countCorrect(data.weights, failW, config.batchSize, forward),
      countCorrect(data.alpha, failA, config.batchSize, forward),
      countCorrect(data.validation, range(data.validation.shape[0]), config.batchSize, forward),
      data.adversarial ? countCorrect(data.adversarial, range(data.adversarial.shape[0]), config.batchSize, forward) : tf.scalar(0),
      data.drift ? countCorrect(data.drift, range(data.drift.shape[0]), config.batchSize, forward) : tf.scalar(0),
    ];
    const softmax = architect.softmax();
    const packed = tf.tidy(() => tf.concat([lossSums.div(batches), tf.stack(counts), softmax.flatten()]));
    tf.dispose([...counts, softmax]);
    const values = await packed.data();
    packed.dispose();
    const alphaSoftmax = rowsOf(values.subarray(7), softmax.shape[0], ops.length);
    const wallMs = performance.now() - started;
    const ratio = (correct: number, n: number) => (n > 0 ? correct / n : Number.NaN);
    return {
      epoch,
      lossAlpha: values[0],
      lossWeights: values[1],
      accFailures: ratio(values[2] + values[3], failW.length + failA.length),
      accValidation: ratio(values[4], data.validation.shape[0]),
      accAdversarial: data.adversarial ? ratio(values[5], data.adversarial.shape[0]) : Number.NaN,
      accDrift: data.drift ? ratio(values[6], data.drift.shape[0]) : Number.NaN,
      alphaSoftmax,
      alphaEntropy: normalisedEntropy(alphaSoftmax),
      ops: [...ops],
      genotype: parseGenotype(alphaSoftmax, steps, ops),
      wallMs,
      samplesPerSecond: samples / (wallMs / 1000),
    };
  }

  return search;
}

/** Runs the suffix once on one example to reject a mismatched suffix early, with a fix. */
function checkSuffix(split: Split, blockOutShape: [number, number, number], suffix: Suffix): void {
  const maxLabel = split.labels.reduce((m, v) => Math.max(m, v), 0);
  const shape = tf.tidy(() => suffix(tf.zeros([1, ...blockOutShape])).shape);
  if (shape.length !== 2 || shape[0] !== 1) {
    throw new LabError(`Search: the suffix must map [N, ${blockOutShape}] to logits [N, classes], got [${shape}].`, { field: 'suffix', fix: 'Pass the frozen rest of the model after the block.' });
  }
  if (maxLabel >= shape[1]) {
    throw new LabError(`Search: label ${maxLabel} does not fit the suffix's ${shape[1]} classes.`, { field: 'labels', fix: 'Use labels of the model being repaired.' });
  }
}

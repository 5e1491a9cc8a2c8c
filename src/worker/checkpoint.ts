/** SearchState (the engine's resumable search) ↔ CheckpointRecord (the store's layout). Pure. */
import { LabError } from '../core/errors';
import type { SearchState } from '../core/search/bilevel';
import type { EpochMetrics, TensorData } from '../core/types';
import type { CheckpointInput, CheckpointRecord } from '../store';

const indexed = (prefix: string, list: readonly TensorData[]): Record<string, TensorData> =>
  Object.fromEntries(list.map((t, i) => [`${prefix}/${i}`, t]));

/** Tensors stored under `prefix/0`, `prefix/1`, … in index order. */
function listOf(record: Record<string, TensorData>, prefix: string): TensorData[] {
  return Object.entries(record)
    .filter(([k]) => k.startsWith(`${prefix}/`))
    .map(([k, t]) => [Number(k.slice(prefix.length + 1)), t] as const)
    .sort((a, b) => a[0] - b[0])
    .map(([, t]) => t);
}

/** The checkpoint of one finished epoch: the search state, the epoch's metrics and timings. */
export function checkpointInput(sessionId: string, state: SearchState, metrics: EpochMetrics, chosenBlock: number, timings: Record<string, number>): CheckpointInput {
  return {
    sessionId,
    epoch: state.epoch,
    alpha: state.alpha,
    supernet: { ...indexed('weight', state.weights), ...indexed('buffer', state.buffers) },
    optimizer: { ...indexed('alpha', state.alphaOptimizer.slots), ...indexed('weights', state.weightsOptimizer.slots) },
    counters: {
      alphaIterations: state.alphaOptimizer.iterations,
      alphaLearningRate: state.alphaOptimizer.learningRate,
      weightsIterations: state.weightsOptimizer.iterations,
      weightsLearningRate: state.weightsOptimizer.learningRate,
    },
    rngState: state.rngState,
    timings,
    accValidation: metrics.accValidation,
    metrics,
    status: 'running',
    chosenBlock,
  };
}

/** The search state a checkpoint holds; LabError when a counter is missing. */
export function searchStateOf(c: CheckpointRecord): SearchState {
  const counter = (name: string): number => {
    const v = c.counters[name];
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new LabError(`The checkpoint of epoch ${c.epoch} lacks ${name}.`, { field: `counters.${name}`, fix: 'Start a new search; this checkpoint was not written by this version of the lab.' });
    return v;
  };
  return {
    version: 1,
    epoch: c.epoch,
    rngState: c.rngState,
    alpha: c.alpha,
    weights: listOf(c.supernet, 'weight'),
    buffers: listOf(c.supernet, 'buffer'),
    alphaOptimizer: { iterations: counter('alphaIterations'), learningRate: counter('alphaLearningRate'), slots: listOf(c.optimizer, 'alpha') },
    weightsOptimizer: { iterations: counter('weightsIterations'), learningRate: counter('weightsLearningRate'), slots: listOf(c.optimizer, 'weights') },
  };
}

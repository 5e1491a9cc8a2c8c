import { describe, expect, it } from 'vitest';
import { checkpointInput, searchStateOf } from '../../../src/worker/checkpoint';
import type { SearchState } from '../../../src/core/search/bilevel';
import type { CheckpointRecord } from '../../../src/store';
import type { EpochMetrics, TensorData } from '../../../src/core/types';

const t = (...values: number[]): TensorData => ({ shape: [values.length], dtype: 'float32', data: Float32Array.from(values).buffer });

describe('search state ↔ checkpoint record', () => {
  it('round-trips every tensor in order and every counter', () => {
    // Twelve weights so that lexicographic order ("weight/10" < "weight/2") would scramble them.
    const state: SearchState = {
      version: 1, epoch: 4, rngState: 12345,
      alpha: t(0.1, 0.2),
      weights: Array.from({ length: 12 }, (_, i) => t(i)),
      buffers: [t(7), t(8)],
      alphaOptimizer: { iterations: 40, learningRate: 3e-4, slots: [t(1), t(2)] },
      weightsOptimizer: { iterations: 40, learningRate: 0.02, slots: Array.from({ length: 11 }, (_, i) => t(100 + i)) },
    };
    const metrics = { epoch: 4, accValidation: 0.9 } as EpochMetrics;
    const input = checkpointInput('s1', state, metrics, 2, { search: 10 });
    expect(input).toMatchObject({ sessionId: 's1', epoch: 4, accValidation: 0.9, chosenBlock: 2, status: 'running' });
    const record: CheckpointRecord = { v: 2, sessionId: 's1', epoch: 4, alpha: input.alpha, supernet: input.supernet, fineTune: {}, optimizer: input.optimizer, counters: input.counters!, rngState: input.rngState, timings: {}, accValidation: 0.9, sizeBytes: 0, savedAt: 0 };
    const back = searchStateOf(record);
    const values = (list: TensorData[]) => list.map((d) => Array.from(new Float32Array(d.data)));
    expect(values(back.weights)).toEqual(values(state.weights));
    expect(values(back.buffers)).toEqual(values(state.buffers));
    expect(values(back.weightsOptimizer.slots)).toEqual(values(state.weightsOptimizer.slots));
    expect({ ...back, weights: [], buffers: [], alphaOptimizer: { ...back.alphaOptimizer, slots: [] }, weightsOptimizer: { ...back.weightsOptimizer, slots: [] } })
      .toEqual({ ...state, weights: [], buffers: [], alphaOptimizer: { ...state.alphaOptimizer, slots: [] }, weightsOptimizer: { ...state.weightsOptimizer, slots: [] } });
  });

  it('refuses a checkpoint without its optimiser counters, naming the field', () => {
    const record = { v: 2, sessionId: 's', epoch: 1, alpha: t(1), supernet: {}, fineTune: {}, optimizer: {}, counters: {}, rngState: 1, timings: {}, accValidation: 0, sizeBytes: 0, savedAt: 0 } as CheckpointRecord;
    expect(() => searchStateOf(record)).toThrow(expect.objectContaining({ field: 'counters.alphaIterations' }));
  });
});

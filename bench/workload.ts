/**
 * The benchmark's fixed workload, environment-neutral (Node and the browser worker run the same
 * code): cache a block's inputs for `perSplit` examples per split, then time search epochs.
 */
import * as tf from '@tensorflow/tfjs';
import { subset, type Dataset } from '../src/core/data/dataset';
import { isSearchable } from '../src/core/repair/session';
import { cacheBlockInputs } from '../src/core/repair/block-cache';
import { asLogits } from '../src/core/repair/train';
import { splitModel, type SplitModel } from '../src/core/model/split';
import { createSearch, type SearchData, type Split, type Suffix } from '../src/core/search/bilevel';
import type { PresetName } from '../src/core/search/presets';
import type { BlockGraph } from '../src/core/types';

/** What one benchmark workload is made of (the same on every backend). */
export interface WorkloadSpec {
  /** Examples in each of S_w, S_α and validation. */
  perSplit: number;
  batchSize: number;
  seed: number;
}

export const DEFAULT_WORKLOAD: WorkloadSpec = { perSplit: 256, batchSize: 64, seed: 1 };

/** A model split at one block with the block inputs of a fixed example set cached. */
export interface PreparedBlock {
  blockIndex: number;
  blockName: string;
  blockInputShape: number[];
  blockOutputShape: number[];
  stride: 1 | 2;
  split: SplitModel;
  suffix: Suffix;
  data: SearchData;
  /** The raw images of the same examples (for the uncached variant). */
  images: { weights: Split; alpha: Split };
  cacheMs: number;
}

/** The first searchable block in the second half of the network (prefix caching matters most there). */
export function secondHalfBlock(graph: BlockGraph): number {
  const n = graph.blocks.length;
  const candidates = graph.blocks.map((_, i) => i).filter((i) => isSearchable(graph, i));
  const pick = candidates.find((i) => i >= Math.floor(n / 2)) ?? candidates.at(-1);
  if (pick === undefined) throw new Error(`${graph.modelName}: no searchable block`);
  return pick;
}

const asSplit = (ds: Dataset): Split => ({ inputs: ds.images, labels: ds.labels, shape: [ds.count, ds.height, ds.width, ds.channels] });

/** Splits the model at `blockIndex` and caches the block inputs of the first 3·perSplit images. */
export async function prepareBlock(model: tf.LayersModel, graph: BlockGraph, dataset: Dataset, blockIndex: number, spec: WorkloadSpec, isProbabilities: boolean): Promise<PreparedBlock> {
  const n = spec.perSplit;
  if (dataset.count < 3 * n) throw new Error(`dataset ${dataset.name} has ${dataset.count} images, the workload needs ${3 * n}`);
  const part = (k: number) => subset(dataset, Array.from({ length: n }, (_, i) => k * n + i), `bench-${k}`);
  const [weightsDs, alphaDs, validationDs] = [part(0), part(1), part(2)];
  const split = splitModel(model, graph, blockIndex);
  const prefix = (x: tf.Tensor) => split.prefix(x);
  const started = performance.now();
  const weights = await cacheBlockInputs(prefix, weightsDs, undefined, 256);
  const alpha = await cacheBlockInputs(prefix, alphaDs, undefined, 256);
  const validation = await cacheBlockInputs(prefix, validationDs, undefined, 256);
  const cacheMs = performance.now() - started;
  const block = graph.blocks[blockIndex];
  return {
    blockIndex,
    blockName: block.name,
    blockInputShape: [...block.inputShape],
    blockOutputShape: [...block.outputShape],
    stride: block.stride === 2 ? 2 : 1,
    split,
    suffix: (x) => asLogits(split.suffix(x), isProbabilities),
    data: { weights, alpha, validation },
    images: { weights: asSplit(weightsDs), alpha: asSplit(alphaDs) },
    cacheMs,
  };
}

/** Samples/s and memory of a few search epochs on a prepared block. */
export interface SearchTiming {
  preset: PresetName;
  warmupEpochs: number;
  timedEpochs: number;
  /** Training samples (α + w batches) per timed epoch. */
  samplesPerEpoch: number;
  /** Mean of the engine's EpochMetrics.samplesPerSecond over the timed epochs. */
  samplesPerSecond: number;
  /**
   * Node only (null in the browser): training samples per second of this process's CPU time over
   * the timed epochs. Less sensitive than wall time to other jobs on a shared machine (for a
   * one-thread backend); compare it only between rows of one runtime and backend.
   */
  cpuSamplesPerSecond?: number | null;
  epochMs: number[];
  /** tf.memory() after the first and the last epoch, and the peak seen at any batch. */
  tensorsAfterFirst: number;
  tensorsAfterLast: number;
  peakBytes: number;
  /** Wall time from the call to the end of the first epoch (search creation included). */
  firstEpochMs: number;
  /** Unix time (ms, performance.timeOrigin-based) when the first epoch ended: comparable across page and worker. */
  firstEpochEndAt: number;
}

/** This process's CPU time in µs (Node), or null where there is no process.cpuUsage (browser). */
function cpuMicros(): number | null {
  const usage = (globalThis as { process?: { cpuUsage?: () => { user: number; system: number } } }).process?.cpuUsage?.();
  return usage ? usage.user + usage.system : null;
}

/** Creates a search on `block` and runs warm-up + timed epochs; disposes the search. */
export async function timeSearch(block: PreparedBlock, preset: PresetName, warmupEpochs: number, timedEpochs: number, spec: WorkloadSpec): Promise<SearchTiming> {
  const started = performance.now();
  const search = createSearch(
    { preset, epochs: 10, batchSize: spec.batchSize, residual: true, order: 'first', seed: spec.seed, outputChannels: block.blockOutputShape[2], stride: block.stride },
    block.data,
    block.suffix,
  );
  let peakBytes = tf.memory().numBytes;
  const sampleMemory = () => (peakBytes = Math.max(peakBytes, tf.memory().numBytes));
  const epochMs: number[] = [];
  const rates: number[] = [];
  let tensorsAfterFirst = 0;
  let firstEpochMs = 0;
  let firstEpochEndAt = 0;
  let samplesPerEpoch = 0;
  let cpuTimed = 0;
  let samplesTimed = 0;
  try {
    for (let e = 0; e < warmupEpochs + timedEpochs; e++) {
      const cpuBefore = cpuMicros();
      const m = await search.step(undefined, sampleMemory);
      const cpuAfter = cpuMicros();
      sampleMemory();
      if (e === 0) {
        tensorsAfterFirst = tf.memory().numTensors;
        firstEpochMs = performance.now() - started;
        firstEpochEndAt = performance.timeOrigin + performance.now();
      }
      if (e >= warmupEpochs) {
        epochMs.push(m.wallMs);
        rates.push(m.samplesPerSecond);
        samplesPerEpoch = Math.round((m.samplesPerSecond * m.wallMs) / 1000);
        if (cpuBefore !== null && cpuAfter !== null) cpuTimed += cpuAfter - cpuBefore;
        samplesTimed += samplesPerEpoch;
      }
    }
    const tensorsAfterLast = tf.memory().numTensors;
    const mean = rates.length ? rates.reduce((s, r) => s + r, 0) / rates.length : Number.NaN;
    const cpuSamplesPerSecond = cpuTimed > 0 ? samplesTimed / (cpuTimed / 1e6) : null;
    return { preset, warmupEpochs, timedEpochs, samplesPerEpoch, samplesPerSecond: mean, cpuSamplesPerSecond, epochMs, tensorsAfterFirst, tensorsAfterLast, peakBytes, firstEpochMs, firstEpochEndAt };
  } finally {
    search.dispose();
  }
}

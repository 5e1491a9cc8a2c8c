/**
 * Everything measured for one (backend, model) pair, environment-neutral: the Node runner and the
 * browser worker call `benchModel` with a loaded model and its test set.
 */
import * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../src/core/data/dataset';
import type { CorruptionName } from '../src/core/data/corruptions';
import { instrumentLayersModel } from '../src/core/localize/instrumented';
import { RepairSession } from '../src/core/repair/session';
import type { PresetName } from '../src/core/search/presets';
import type { BlockGraph } from '../src/core/types';
import { measureCaching, type CachingResult } from './caching';
import { supernetMacs } from './macs';
import { prepareBlock, secondHalfBlock, timeSearch, type SearchTiming, type WorkloadSpec } from './workload';

/** What to run for one model on the active backend. */
export interface SuiteOptions {
  spec: WorkloadSpec;
  presets: PresetName[];
  warmupEpochs: number;
  timedEpochs: number;
  /** Leak check: epochs on a small workload (perSplit = one batch); 0 skips it. */
  leakEpochs: number;
  leakPreset: PresetName;
  /** Prefix caching on vs off with this preset; null skips it. */
  cachingPreset: PresetName | null;
  /** Localization of up to this many failures (default session, worst corruption); 0 skips it. */
  localizeFailures: number;
  corruption: CorruptionName;
  countMacs: boolean;
}

export interface LocalizationTiming {
  failuresUsed: number;
  failuresFound: number;
  passingUsed: number;
  collectMs: number;
  localizeMs: number;
}

/** Results of one model on one backend. */
export interface ModelBench {
  model: string;
  blockIndex: number;
  blockName: string;
  blockInputShape: number[];
  cacheMs: number;
  /** Forward MACs per sample by preset: searched cell, frozen suffix, frozen prefix. */
  macs: Partial<Record<PresetName, { cell: number; suffix: number; prefix: number }>>;
  search: SearchTiming[];
  leak: SearchTiming | null;
  caching: CachingResult | null;
  localization: LocalizationTiming | null;
}

/** Runs the configured measurements for one model on the active backend. */
export async function benchModel(name: string, model: tf.LayersModel, graph: BlockGraph, testSet: Dataset, options: SuiteOptions, log: (line: string) => void): Promise<ModelBench> {
  const isProbabilities = instrumentLayersModel(model, graph).outputKind === 'probabilities';
  const blockIndex = secondHalfBlock(graph);
  const block = await prepareBlock(model, graph, testSet, blockIndex, options.spec, isProbabilities);
  const result: ModelBench = { model: name, blockIndex, blockName: block.blockName, blockInputShape: block.blockInputShape, cacheMs: block.cacheMs, macs: {}, search: [], leak: null, caching: null, localization: null };
  try {
    for (const preset of options.presets) {
      if (options.countMacs) result.macs[preset] = await supernetMacs(block, preset);
      const t = await timeSearch(block, preset, options.warmupEpochs, options.timedEpochs, options.spec);
      log(`  ${name} ${preset}: ${t.samplesPerSecond.toFixed(1)} samples/s (epochs ${t.epochMs.map((m) => (m / 1000).toFixed(1)).join(', ')} s)`);
      result.search.push(t);
    }
    if (options.cachingPreset) {
      result.caching = await measureCaching(block, options.cachingPreset, 1, options.spec);
      log(`  ${name} caching (${options.cachingPreset}, ${block.blockName}): ${result.caching.speedup.toFixed(2)}× (${result.caching.uncachedEpochMs.toFixed(0)} vs ${result.caching.cachedEpochMs.toFixed(0)} ms/epoch)`);
    }
  } finally {
    block.split.dispose();
  }
  if (options.leakEpochs > 0) {
    const small = { ...options.spec, perSplit: options.spec.batchSize };
    const leakBlock = await prepareBlock(model, graph, testSet, blockIndex, small, isProbabilities);
    try {
      result.leak = await timeSearch(leakBlock, options.leakPreset, 0, options.leakEpochs, small);
      log(`  ${name} leak check: ${result.leak.tensorsAfterFirst} tensors after epoch 1, ${result.leak.tensorsAfterLast} after epoch ${options.leakEpochs}`);
    } finally {
      leakBlock.split.dispose();
    }
  }
  if (options.localizeFailures > 0) {
    result.localization = await timeLocalization(model, graph, testSet, options);
    log(`  ${name} localization of ${result.localization.failuresUsed} failures: ${(result.localization.localizeMs / 1000).toFixed(1)} s`);
  }
  return result;
}

/** Collects failures under the worst corruption (default session) and times localization. */
async function timeLocalization(model: tf.LayersModel, graph: BlockGraph, testSet: Dataset, options: SuiteOptions): Promise<LocalizationTiming> {
  const session = new RepairSession(model, graph, testSet, { corruption: options.corruption, failureCap: options.localizeFailures, seed: options.spec.seed });
  try {
    const t0 = performance.now();
    const f = await session.collectFailures();
    const t1 = performance.now();
    await session.localize();
    const t2 = performance.now();
    return { failuresUsed: f.failures.failingIndices.length, failuresFound: f.failures.failingTotal, passingUsed: f.failures.passingIndices.length, collectMs: t1 - t0, localizeMs: t2 - t1 };
  } finally {
    session.dispose();
  }
}

/** Messages between the bench page and its worker (plain data only). */
import type { BackendName } from '../../src/core/types';
import type { ModelBench, SuiteOptions } from '../suite';
import type { WorkshopTiming } from '../workshop';

/** What the page asks the worker to run on one backend. */
export interface BrowserBenchRequest {
  backend: BackendName;
  models: string[];
  /** Suite options; `corruption` is replaced by each model card's worst corruption. */
  options: SuiteOptions;
  /** Workshop default on `model` with these bounded epochs; null skips it. */
  workshop: { model: string; searchEpochs: number; finetuneEpochs: number } | null;
  /** Let wasm use its threaded build when the page is cross-origin isolated. */
  wasmThreads: boolean;
}

/** What the worker reports back for one backend. */
export interface BrowserBenchResult {
  backend: string;
  /** Why the backend did not run ('' when it did). */
  skipped: string;
  adapter: string | null;
  isCrossOriginIsolated: boolean;
  wasmSimd: boolean | null;
  wasmThreads: boolean | null;
  /** Threads the backend computes on (wasm's pool size; 1 for cpu); null for GPU backends or when it did not run. */
  threads: number | null;
  models: ModelBench[];
  workshop: WorkshopTiming | null;
  /** Time from page navigation start to the end of the first search epoch (ms). */
  timeToFirstEpochMs: number | null;
  userAgent: string;
}

export type WorkerMessage = { type: 'log'; line: string } | { type: 'done'; result: Omit<BrowserBenchResult, 'timeToFirstEpochMs'> } | { type: 'error'; message: string };

import { proxy, wrap, type Remote } from 'comlink';
import type { LabApi } from '../worker/lab.worker';
import { installErrorTransfer } from '../worker/protocol';
import type { Progress } from '../core/types';

/** The one place that starts the worker and talks comlink. Views go through LabState. */
export interface LabClient {
  api: Remote<LabApi>;
  /** Runs a long call with progress and cancellation through an AbortSignal. */
  job<T>(call: (jobId: string, onProgress: (p: Progress) => void) => Promise<T>, options: { signal?: AbortSignal; onProgress?: (p: Progress) => void }): Promise<T>;
}

let nextJob = 0;

/**
 * Runs one job: cancellation through `signal`, progress through a comlink proxy. The proxy has its own
 * message port, so a progress message the worker sent just before its result can arrive after it;
 * such late progress is dropped, or it would put a progress bar back on an idle page for good.
 */
export async function runJob<T>(
  cancel: (jobId: string) => void,
  call: (jobId: string, onProgress: (p: Progress) => void) => Promise<T>,
  { signal, onProgress }: { signal?: AbortSignal; onProgress?: (p: Progress) => void },
): Promise<T> {
  const jobId = `job-${++nextJob}`;
  const abort = () => cancel(jobId);
  let isSettled = false;
  signal?.addEventListener('abort', abort, { once: true });
  try {
    return await call(jobId, proxy((p: Progress) => {
      if (!isSettled) onProgress?.(p);
    }));
  } finally {
    isSettled = true;
    signal?.removeEventListener('abort', abort);
  }
}

/** The page's words for the worker's own failures (the catalogue lives in the UI). */
export interface FatalWords {
  workerFailed: (detail: string) => string;
  messageUnreadable: () => string;
}

/** Starts the lab worker. `onFatal` receives errors that no call is waiting for, worded by `words`. */
export function createLabClient(onFatal: (message: string) => void, words: FatalWords): LabClient {
  installErrorTransfer();
  const worker = new Worker(new URL('../worker/lab.worker.ts', import.meta.url), { type: 'module', name: 'archrepair-lab' });
  worker.addEventListener('error', (event) => {
    event.preventDefault();
    onFatal(words.workerFailed(event.message));
  });
  worker.addEventListener('messageerror', () => onFatal(words.messageUnreadable()));
  const api = wrap<LabApi>(worker);
  return {
    api,
    job: (call, options) => runJob((jobId) => void api.cancel(jobId), call, options),
  };
}

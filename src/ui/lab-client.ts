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

/** Starts the lab worker. `onFatal` receives errors that no call is waiting for. */
export function createLabClient(onFatal: (message: string) => void): LabClient {
  installErrorTransfer();
  const worker = new Worker(new URL('../worker/lab.worker.ts', import.meta.url), { type: 'module', name: 'archrepair-lab' });
  worker.addEventListener('error', (event) => {
    event.preventDefault();
    onFatal(`The lab engine (Web Worker) failed: ${event.message || 'it could not be loaded'}. Reload the page; if it persists, try ?backend=cpu.`);
  });
  worker.addEventListener('messageerror', () => onFatal('A message from the lab engine could not be read. Reload the page.'));
  const api = wrap<LabApi>(worker);
  return {
    api,
    async job(call, { signal, onProgress }) {
      const jobId = `job-${++nextJob}`;
      const abort = () => void api.cancel(jobId);
      signal?.addEventListener('abort', abort, { once: true });
      try {
        return await call(jobId, proxy((p: Progress) => onProgress?.(p)));
      } finally {
        signal?.removeEventListener('abort', abort);
      }
    },
  };
}

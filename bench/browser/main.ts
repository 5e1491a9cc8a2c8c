/** The bench page: starts the worker on request and resolves with its result (called by Playwright). */
import type { BrowserBenchRequest, BrowserBenchResult, WorkerMessage } from './protocol';

declare global {
  interface Window {
    benchRun(request: BrowserBenchRequest): Promise<BrowserBenchResult>;
  }
}

window.benchRun = (request) =>
  new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./bench.worker.ts', import.meta.url), { type: 'module' });
    worker.onerror = (event) => reject(new Error(`worker error: ${event.message}`));
    worker.onmessage = (event: MessageEvent<WorkerMessage>) => {
      const message = event.data;
      if (message.type === 'log') console.log(message.line);
      else if (message.type === 'error') reject(new Error(message.message));
      else {
        worker.terminate();
        const first = message.result.models[0]?.search[0]?.firstEpochEndAt;
        resolve({ ...message.result, timeToFirstEpochMs: first ? first - performance.timeOrigin : null });
      }
    };
    worker.postMessage(request);
  });

document.body.dataset.ready = 'true';

import { selectBackend, parseBackendName } from '../core/tfjs/backend';
import { memoryInfo } from '../core/tfjs/memory';
import { runEngineCheck, type EngineCheckConfig, type EngineCheckResult } from '../core/tfjs/engine-check';
import { CancelToken } from '../core/progress';
import type { BackendInfo, MemoryInfo, ProgressCallback } from '../core/types';

export interface LabOptions {
  /** Where the wasm binaries are served from (set by the worker entry; Node needs none). */
  wasmPaths?: Record<string, string>;
}

/**
 * The engine's public API. The worker exposes one instance with comlink; tests and the CLI
 * can use it directly. Arguments and results are plain data; long calls take a `jobId`
 * (so `cancel(jobId)` can stop them) and a progress callback.
 */
export class Lab {
  private readonly jobs = new Map<string, CancelToken>();
  private backendInfo: BackendInfo | null = null;

  constructor(private readonly options: LabOptions = {}) {}

  /** Selects a backend (the user's choice first, if any) and reports what it found. */
  async init(request: { backend?: string | null } = {}): Promise<BackendInfo> {
    const forced = request.backend ? parseBackendName(request.backend) : null;
    this.backendInfo = await selectBackend({ forced, wasmPaths: this.options.wasmPaths });
    return this.backendInfo;
  }

  backend(): BackendInfo | null {
    return this.backendInfo;
  }

  memory(): MemoryInfo {
    return memoryInfo();
  }

  /** Proves the path end to end: trains a tiny CNN on the active backend, returns the losses. */
  async engineCheck(config: Partial<EngineCheckConfig>, jobId: string, onProgress?: ProgressCallback): Promise<EngineCheckResult> {
    return this.runJob(jobId, (token) => runEngineCheck(config, token, onProgress));
  }

  /** Asks the job to stop at its next checkpoint; it then rejects with a CancelledError. */
  cancel(jobId: string): boolean {
    const token = this.jobs.get(jobId);
    token?.cancel();
    return Boolean(token);
  }

  private async runJob<T>(jobId: string, work: (token: CancelToken) => Promise<T>): Promise<T> {
    const token = new CancelToken();
    this.jobs.set(jobId, token);
    try {
      return await work(token);
    } finally {
      this.jobs.delete(jobId);
    }
  }
}

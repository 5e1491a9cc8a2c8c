import { createLabClient, type LabClient } from '../lab-client';
import type { BackendInfo, MemoryInfo, Progress } from '../../core/types';
import type { EngineCheckConfig, EngineCheckResult } from '../../core/tfjs/engine-check';
import type { StepId } from '../steps';

/** An error as the page shows it: what happened, and where/how to fix it when known. */
export interface ShownError {
  id: number;
  message: string;
  field?: string;
  file?: string;
  fix?: string;
}

const MEMORY_POLL_MS = 2000;
let nextErrorId = 0;

/** All view state of the lab in one object; components read it and call its methods. */
export class LabState {
  step = $state<StepId>('model');
  backend = $state<BackendInfo | null>(null);
  memory = $state<MemoryInfo | null>(null);
  isStarting = $state(true);
  progress = $state<Progress | null>(null);
  errors = $state<ShownError[]>([]);
  engineCheck = $state<EngineCheckResult | null>(null);
  private client: LabClient;
  private running: AbortController | null = null;

  constructor() {
    this.client = createLabClient((message) => this.showError({ message }));
  }

  get isBusy(): boolean {
    return this.progress !== null;
  }

  async start(requestedBackend: string | null): Promise<void> {
    this.isStarting = true;
    try {
      this.backend = await this.client.api.init({ backend: requestedBackend });
      await this.refreshMemory();
      setInterval(() => void this.refreshMemory(), MEMORY_POLL_MS);
    } catch (err) {
      this.showError(err);
    } finally {
      this.isStarting = false;
    }
  }

  /** Switches backend at run time and records the choice in the URL (shareable). */
  async switchBackend(name: string): Promise<void> {
    const url = new URL(location.href);
    if (name) url.searchParams.set('backend', name);
    else url.searchParams.delete('backend');
    history.replaceState(null, '', url);
    await this.start(name || null);
  }

  async refreshMemory(): Promise<void> {
    try {
      this.memory = await this.client.api.memory();
    } catch {
      // The worker is busy or gone; the fatal handler reports the latter.
    }
  }

  async runEngineCheck(config: Partial<EngineCheckConfig>): Promise<void> {
    this.engineCheck = null;
    await this.runJob((jobId, onProgress) => this.client.api.engineCheck(config, jobId, onProgress)).then((r) => {
      if (r) this.engineCheck = r;
    });
  }

  cancel(): void {
    this.running?.abort();
  }

  showError(err: unknown): void {
    const e = err as { message?: string; field?: string; file?: string; fix?: string; name?: string };
    if (e?.name === 'CancelledError') return;
    this.errors = [...this.errors, { id: ++nextErrorId, message: e?.message ?? String(err), field: e?.field, file: e?.file, fix: e?.fix }];
  }

  dismissError(id: number): void {
    this.errors = this.errors.filter((e) => e.id !== id);
  }

  private async runJob<T>(call: (jobId: string, onProgress: (p: Progress) => void) => Promise<T>): Promise<T | null> {
    const controller = new AbortController();
    this.running = controller;
    this.progress = { phase: 'starting', done: 0, total: 1, etaMs: null };
    try {
      return await this.client.job(call, { signal: controller.signal, onProgress: (p) => (this.progress = p) });
    } catch (err) {
      this.showError(err);
      return null;
    } finally {
      this.progress = null;
      this.running = null;
      void this.refreshMemory();
    }
  }
}

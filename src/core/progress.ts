import { CancelledError } from './errors';
import type { ProgressCallback } from './types';

/** Cooperative cancellation: long loops call `throwIfCancelled()` between steps. */
export class CancelToken {
  private cancelled = false;
  cancel(): void {
    this.cancelled = true;
  }
  get isCancelled(): boolean {
    return this.cancelled;
  }
  throwIfCancelled(phase?: string): void {
    if (this.cancelled) throw new CancelledError(phase);
  }
}

/**
 * Reports `{phase, done, total, etaMs}` for one phase. The ETA is a linear extrapolation
 * of the time per unit so far; it is null before the first unit completes.
 */
export function phaseReporter(phase: string, total: number, onProgress?: ProgressCallback, now = () => performance.now()) {
  const started = now();
  onProgress?.({ phase, done: 0, total, etaMs: null });
  return (done: number): void => {
    if (!onProgress) return;
    const elapsed = now() - started;
    const etaMs = done > 0 ? Math.max(0, Math.round((elapsed / done) * (total - done))) : null;
    onProgress({ phase, done, total, etaMs });
  };
}

/** Lets the event loop run (so a worker can receive `cancel` or `memory` calls mid-loop). */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

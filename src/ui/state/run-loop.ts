/**
 * The Search step's run loop as a small state machine (idle → running → pausing → idle): run N
 * epochs, or until the validation accuracy has not improved for `patience` epochs; a pause stops
 * after the running epoch. Plain TypeScript, so it is tested without a browser.
 */
export type RunState = 'idle' | 'running' | 'pausing';

/** Why a run ended. */
export type RunEnd = 'done' | 'paused' | 'converged' | 'failed' | 'busy';

export class RunLoop {
  private current: RunState = 'idle';

  /** `onChange` hears every state change (the view mirrors it). */
  constructor(private readonly onChange: (state: RunState) => void, readonly patience = 2) {}

  get state(): RunState {
    return this.current;
  }

  /**
   * Runs up to `count` epochs with `step`, which resolves to the epoch's validation accuracy in
   * [0, 1] or null when it failed or was cancelled. `best` is the best accuracy before this run.
   */
  async run(mode: 'epochs' | 'converge', count: number, best: number, step: () => Promise<number | null>): Promise<{ epochs: number; end: RunEnd }> {
    if (this.current !== 'idle') return { epochs: 0, end: 'busy' };
    this.set('running');
    let epochs = 0;
    let stale = 0;
    let end: RunEnd = 'done';
    try {
      while (epochs < count) {
        if (this.isPausing()) {
          end = 'paused';
          break;
        }
        const acc = await step();
        if (acc === null) {
          end = 'failed';
          break;
        }
        epochs++;
        stale = acc > best ? 0 : stale + 1;
        best = Math.max(best, acc);
        if (mode === 'converge' && stale >= this.patience) {
          end = 'converged';
          break;
        }
      }
      if (end === 'done' && this.isPausing()) end = 'paused';
      return { epochs, end };
    } finally {
      this.set('idle');
    }
  }

  /** Asks the run to stop after the running epoch; false when nothing runs. */
  pause(): boolean {
    if (this.current !== 'running') return false;
    this.set('pausing');
    return true;
  }

  /** Read through a call: `pause()` changes the state while `run` awaits, which narrowing cannot see. */
  private isPausing(): boolean {
    return this.current === 'pausing';
  }

  private set(state: RunState): void {
    this.current = state;
    this.onChange(state);
  }
}

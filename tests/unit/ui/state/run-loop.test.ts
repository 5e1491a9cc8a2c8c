import { describe, expect, it } from 'vitest';
import { RunLoop, type RunState } from '../../../../src/ui/state/run-loop';

function loop() {
  const states: RunState[] = [];
  return { run: new RunLoop((s) => states.push(s), 2), states };
}

describe('search run loop', () => {
  it('runs the requested epochs and goes back to idle', async () => {
    const { run, states } = loop();
    let n = 0;
    expect(await run.run('epochs', 3, -1, async () => 0.1 * ++n)).toEqual({ epochs: 3, end: 'done' });
    expect(states).toEqual(['running', 'idle']);
  });

  it('stops when validation has not improved for `patience` epochs', async () => {
    const { run } = loop();
    const accs = [0.5, 0.6, 0.6, 0.55, 0.9];
    expect(await run.run('converge', 10, 0.4, async () => accs.shift()!)).toEqual({ epochs: 4, end: 'converged' });
  });

  it('pauses after the running epoch, refuses a second run meanwhile, and stops on a failed epoch', async () => {
    const { run, states } = loop();
    let release: () => void = () => undefined;
    const first = run.run('epochs', 5, -1, () => new Promise<number>((resolve) => (release = () => resolve(0.5))));
    expect(run.state).toBe('running');
    expect(await run.run('epochs', 1, -1, async () => 1)).toEqual({ epochs: 0, end: 'busy' });
    expect(run.pause()).toBe(true);
    expect(run.state).toBe('pausing');
    release();
    expect(await first).toEqual({ epochs: 1, end: 'paused' });
    expect(states).toEqual(['running', 'pausing', 'idle']);
    expect(run.pause()).toBe(false);
    expect(await run.run('epochs', 3, -1, async () => null)).toEqual({ epochs: 0, end: 'failed' });
  });
});

import { describe, expect, it, vi } from 'vitest';
import { runJob } from '../../../src/ui/lab-client';
import type { Progress } from '../../../src/core/types';

const progress = (done: number): Progress => ({ phase: 'epoch', done, total: 3, etaMs: null });

describe('runJob', () => {
  it('passes progress on while the job runs and drops progress that arrives after its result', async () => {
    const seen: number[] = [];
    let late: ((p: Progress) => void) | null = null;
    const result = await runJob(() => {}, async (_jobId, onProgress) => {
      onProgress(progress(1));
      late = onProgress;
      return 'done';
    }, { onProgress: (p) => seen.push(p.done) });
    late!(progress(2));
    expect(result).toBe('done');
    expect(seen).toEqual([1]);
  });

  it('drops late progress after a failed job too, and the failure reaches the caller', async () => {
    const onProgress = vi.fn();
    let late: ((p: Progress) => void) | null = null;
    await expect(runJob(() => {}, async (_jobId, report) => {
      late = report;
      throw new Error('worker refused');
    }, { onProgress })).rejects.toThrow('worker refused');
    late!(progress(1));
    expect(onProgress).not.toHaveBeenCalled();
  });

  it('cancels the job it started when the signal aborts, and not after it ended', async () => {
    const cancel = vi.fn();
    const controller = new AbortController();
    let release!: () => void;
    const job = runJob(cancel, (jobId) => new Promise<string>((resolve) => (release = () => resolve(jobId))), { signal: controller.signal });
    controller.abort();
    release();
    const jobId = await job;
    expect(cancel).toHaveBeenCalledWith(jobId);
    const after = new AbortController();
    await runJob(cancel, async () => 'x', { signal: after.signal });
    after.abort();
    expect(cancel).toHaveBeenCalledTimes(1);
  });
});

import { describe, expect, it } from 'vitest';
import { MessageChannel } from 'node:worker_threads';
import { expose, wrap, proxy, type Endpoint } from 'comlink';
import { Lab } from '../../../src/worker/lab';
import { installErrorTransfer } from '../../../src/worker/protocol';
import type { Progress } from '../../../src/core/types';

/** The Lab behind a real comlink channel, as the page sees it (Node's MessageChannel). */
function connectedLab() {
  installErrorTransfer();
  const { port1, port2 } = new MessageChannel();
  // Node's MessagePort is an EventTarget with postMessage: already a comlink Endpoint.
  port1.start();
  port2.start();
  expose(new Lab(), port1 as unknown as Endpoint);
  return { api: wrap<Lab>(port2 as unknown as Endpoint), close: () => (port1.close(), port2.close()) };
}

describe('Lab API over comlink', () => {
  it('initialises a backend and runs the engine check with progress', async () => {
    const { api, close } = connectedLab();
    const info = await api.init({ backend: 'cpu' });
    expect(info.active).toBe('cpu');
    const progress: Progress[] = [];
    const result = await api.engineCheck({ batches: 3, batchSize: 8 }, 'j1', proxy((p: Progress) => void progress.push(p)));
    expect(result.losses).toHaveLength(3);
    expect(progress.at(-1)).toMatchObject({ done: 3, total: 3 });
    expect((await api.memory()).numTensors).toBeGreaterThanOrEqual(0);
    close();
  });

  it('delivers LabErrors with field and fix across the boundary', async () => {
    const { api, close } = connectedLab();
    await api.init({ backend: 'cpu' });
    const err = await api.engineCheck({ batchSize: -1 }, 'j2').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(err).toMatchObject({ name: 'LabError', field: 'batchSize' });
    expect((err as { fix: string }).fix).toMatch(/between 1 and 512/);
    const bad = await api.init({ backend: 'tpu' }).catch((e: unknown) => e);
    expect(bad).toMatchObject({ name: 'LabError', field: 'backend' });
    close();
  });

  it('cancels a running job by id', async () => {
    const { api, close } = connectedLab();
    await api.init({ backend: 'cpu' });
    const run = api.engineCheck({ batches: 400, batchSize: 4 }, 'long', proxy((p: Progress) => {
      if (p.done === 1) void api.cancel('long');
    }));
    await expect(run).rejects.toMatchObject({ name: 'CancelledError' });
    expect(await api.cancel('long')).toBe(false);
    close();
  });
});

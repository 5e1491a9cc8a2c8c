import { describe, expect, it } from 'vitest';
import { BACKENDS, bytes, checkpointInput, newSession } from './helpers';
import { choosePruned, getCheckpoint, latestCheckpoint, listCheckpoints, pruneCheckpoints, putCheckpoint } from '../../../src/store/checkpoints';
import { createSession, getSession } from '../../../src/store/sessions';
import type { LabDb } from '../../../src/store/db';

/** A LabDb whose transactions fail a put as `fail` decides (abort + throw), like a crash or a full disk. */
function failingPuts(db: LabDb, fail: (store: string, putIndexInTx: number) => Error | null): LabDb {
  return new Proxy(db, {
    get(target, prop, receiver) {
      if (prop !== 'transaction') return Reflect.get(target, prop, receiver);
      return (...args: Parameters<LabDb['transaction']>) => {
        const tx = target.transaction(...args);
        let puts = 0;
        return new Proxy(tx, {
          get(txTarget, txProp) {
            if (txProp !== 'objectStore') {
              const v = Reflect.get(txTarget, txProp, txTarget);
              return typeof v === 'function' ? v.bind(txTarget) : v;
            }
            return (name: 'sessions' | 'checkpoints') => {
              const store = txTarget.objectStore(name);
              return new Proxy(store, {
                get(s, p) {
                  const v = Reflect.get(s, p, s);
                  if (p !== 'put') return typeof v === 'function' ? v.bind(s) : v;
                  return async (value: never) => {
                    const err = fail(name, puts++);
                    if (err) {
                      txTarget.abort();
                      throw err;
                    }
                    return (v as (x: never) => Promise<unknown>).call(s, value);
                  };
                },
              });
            };
          },
        });
      };
    },
  }) as LabDb;
}

describe('choosePruned', () => {
  it('keeps the last K epochs and the best by validation accuracy', () => {
    const s = [0.2, 0.9, 0.4, 0.5, 0.3, 0.6].map((acc, i) => ({ epoch: i + 1, accValidation: acc }));
    expect(choosePruned(s, 3)).toEqual([1, 3]);
    expect(choosePruned(s, 1)).toEqual([1, 3, 4, 5]);
    expect(choosePruned(s.slice(0, 2), 3)).toEqual([]);
  });
});

describe.each(BACKENDS)('checkpoints on $name', ({ open }) => {
  it('round-trips every tensor byte for byte and updates the session in the same write', async () => {
    const db = await open();
    await createSession(db, newSession());
    const input = checkpointInput('s1', 1, 0.8);
    const result = await putCheckpoint(db, input, { now: 5000 });
    expect(result).toMatchObject({ ok: true, epoch: 1, pruned: [], recoveredFromQuota: false });
    const { checkpoint, warnings } = await latestCheckpoint(db, 's1');
    expect(warnings).toEqual([]);
    expect(checkpoint!.epoch).toBe(1);
    expect(bytes(checkpoint!.alpha.data)).toEqual(bytes(input.alpha.data));
    expect(bytes(checkpoint!.supernet['cell/edge0/w'].data)).toEqual(bytes(input.supernet['cell/edge0/w'].data));
    expect(checkpoint!.optimizer['w/momentum']).toMatchObject({ dtype: 'int32', shape: [2] });
    expect(Array.from(new Int32Array(checkpoint!.optimizer['w/momentum'].data))).toEqual([1, -1]);
    expect(checkpoint!.rngState).toBe(1001);
    expect(checkpoint!.counters).toEqual({ adamStep: 10 });
    expect(checkpoint!.sizeBytes).toBe(5 * 8 * 4 + 72 * 4 + 4 * 4 + 5 * 8 * 4 + 2 * 4);
    const { session } = await getSession(db, 's1');
    expect(session).toMatchObject({ epoch: 1, bestAccuracy: 0.8, updatedAt: 5000 });
    expect(session!.history.map((m) => m.epoch)).toEqual([1]);
    expect(session!.checkpoints).toEqual([{ epoch: 1, accValidation: 0.8, sizeBytes: checkpoint!.sizeBytes, savedAt: 5000 }]);
  });

  it('keeps the last 3 and the best, and lists them without loading weights', async () => {
    const db = await open();
    await createSession(db, newSession());
    const accs = [0.5, 0.95, 0.6, 0.7, 0.65, 0.8];
    const pruned: number[] = [];
    for (const [i, acc] of accs.entries()) {
      const r = await putCheckpoint(db, checkpointInput('s1', i + 1, acc));
      if (r.ok) pruned.push(...r.pruned);
    }
    expect(pruned.sort()).toEqual([1, 3]);
    expect((await listCheckpoints(db, 's1')).checkpoints.map((c) => c.epoch)).toEqual([2, 4, 5, 6]);
    const { session } = await getSession(db, 's1');
    expect(session!.bestAccuracy).toBe(0.95);
    expect(session!.history).toHaveLength(6);
    expect(session!.checkpoints.map((c) => c.epoch)).toEqual([2, 4, 5, 6]);
    expect(await pruneCheckpoints(db, 's1', 1)).toEqual([4, 5]);
    expect((await listCheckpoints(db, 's1')).checkpoints.map((c) => c.epoch)).toEqual([2, 6]);
    expect((await getCheckpoint(db, 's1', 4)).checkpoint).toBeNull();
  });

  it('resuming from an earlier epoch replaces the abandoned later ones', async () => {
    const db = await open();
    await createSession(db, newSession());
    for (const e of [1, 2, 3]) await putCheckpoint(db, checkpointInput('s1', e, 0.5 + e / 10));
    const r = await putCheckpoint(db, checkpointInput('s1', 2, 0.55));
    expect(r).toMatchObject({ ok: true, pruned: [3] });
    const { session } = await getSession(db, 's1');
    expect(session!.epoch).toBe(2);
    expect(session!.history.map((m) => [m.epoch, m.accValidation])).toEqual([[1, 0.6], [2, 0.55]]);
    expect((await latestCheckpoint(db, 's1')).checkpoint!.accValidation).toBe(0.55);
  });

  it('a crash after the first put leaves the previous checkpoint and session complete', async () => {
    const db = await open();
    await createSession(db, newSession());
    const first = checkpointInput('s1', 1, 0.6);
    await putCheckpoint(db, first);
    // Abort the epoch-2 transaction right after the checkpoint put, before the session put.
    const crashing = failingPuts(db, (_store, i) => (i === 1 ? new DOMException('simulated crash', 'AbortError') : null));
    const result = await putCheckpoint(crashing, checkpointInput('s1', 2, 0.7));
    expect(result).toMatchObject({ ok: false, reason: 'error' });
    const { checkpoint } = await latestCheckpoint(db, 's1');
    expect(checkpoint!.epoch).toBe(1);
    expect(bytes(checkpoint!.supernet['cell/edge0/w'].data)).toEqual(bytes(first.supernet['cell/edge0/w'].data));
    expect((await getCheckpoint(db, 's1', 2)).checkpoint).toBeNull();
    const { session } = await getSession(db, 's1');
    expect(session).toMatchObject({ epoch: 1, bestAccuracy: 0.6 });
    expect(session!.checkpoints.map((c) => c.epoch)).toEqual([1]);
    // The next write works again: the aborted transaction left nothing locked.
    expect(await putCheckpoint(db, checkpointInput('s1', 2, 0.7))).toMatchObject({ ok: true });
  });

  it('on a full disk it prunes old checkpoints and retries once', async () => {
    const db = await open();
    await createSession(db, newSession());
    for (const e of [1, 2, 3, 4]) await putCheckpoint(db, checkpointInput('s1', e, [0.9, 0.5, 0.6, 0.7][e - 1]), { keep: 10 });
    let failures = 1;
    const full = failingPuts(db, (store) => (store === 'checkpoints' && failures-- > 0 ? new DOMException('disk full', 'QuotaExceededError') : null));
    const result = await putCheckpoint(full, checkpointInput('s1', 5, 0.65), { keep: 10 });
    expect(result).toMatchObject({ ok: true, epoch: 5, recoveredFromQuota: true });
    expect(result.pruned).toEqual([2, 3]);
    expect((await listCheckpoints(db, 's1')).checkpoints.map((c) => c.epoch)).toEqual([1, 4, 5]);
    expect((await latestCheckpoint(db, 's1')).checkpoint!.epoch).toBe(5);
  });

  it('when the disk stays full it reports it instead of throwing, and keeps the last good state', async () => {
    const db = await open();
    await createSession(db, newSession());
    await putCheckpoint(db, checkpointInput('s1', 1, 0.6));
    await putCheckpoint(db, checkpointInput('s1', 2, 0.7));
    const full = failingPuts(db, (store) => (store === 'checkpoints' ? new DOMException('disk full', 'QuotaExceededError') : null));
    const result = await putCheckpoint(full, checkpointInput('s1', 3, 0.8));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.reason).toBe('quota');
    expect(result.message).toMatch(/Storage is full.*epoch 3.*search goes on/);
    expect((await latestCheckpoint(db, 's1')).checkpoint!.epoch).toBe(2);
    expect((await getSession(db, 's1')).session!.epoch).toBe(2);
  });

  it('reports a missing session and invalid tensors as results', async () => {
    const db = await open();
    expect(await putCheckpoint(db, checkpointInput('nobody', 1, 0.5))).toMatchObject({ ok: false, reason: 'missing-session' });
    await createSession(db, newSession());
    const bad = checkpointInput('s1', 1, 0.5);
    bad.alpha = { shape: [5, 8], dtype: 'float32', data: new ArrayBuffer(12) };
    const r = await putCheckpoint(db, bad);
    expect(r).toMatchObject({ ok: false, reason: 'invalid' });
    expect(r.ok ? '' : r.message).toMatch(/alpha\.data holds 12 bytes/);
    expect((await latestCheckpoint(db, 's1')).checkpoint).toBeNull();
  });

  it('skips a corrupted newest checkpoint with a warning and returns the one before', async () => {
    const db = await open();
    await createSession(db, newSession());
    await putCheckpoint(db, checkpointInput('s1', 1, 0.6));
    await putCheckpoint(db, checkpointInput('s1', 2, 0.7));
    const good = (await getCheckpoint(db, 's1', 2)).checkpoint!;
    await db.put('checkpoints', { ...good, supernet: { w: { shape: [2], dtype: 'float64', data: new ArrayBuffer(16) } } } as never);
    const { checkpoint, warnings } = await latestCheckpoint(db, 's1');
    expect(checkpoint!.epoch).toBe(1);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/Skipped checkpoints record \["s1",2\]: supernet\.w\.dtype/);
  });
});

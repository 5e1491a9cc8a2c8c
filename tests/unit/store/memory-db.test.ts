import { describe, expect, it } from 'vitest';
import { BACKENDS } from './helpers';
import type { LabDb } from '../../../src/store/db';
import type { ModelRecord } from '../../../src/store/records';

const model = (id: string, name = id): ModelRecord => ({ v: 2, id, name, files: [{ name: 'model.json', bytes: new Uint8Array([1]).buffer }], blockOverrides: [], createdAt: 1 });

// The transaction rules the store relies on, checked on IndexedDB and on the memory fallback alike.
describe.each(BACKENDS)('transaction semantics ($name)', ({ open }) => {
  it('an aborted transaction leaves no write behind', async () => {
    const db: LabDb = await open();
    await db.put('models', model('keep'));
    const tx = db.transaction('models', 'readwrite');
    await tx.store.put(model('lost'));
    await tx.store.delete('keep');
    expect(await tx.store.getAllKeys()).toEqual(['lost']);
    tx.abort();
    await expect(tx.done).rejects.toBeDefined();
    expect(await db.getAllKeys('models')).toEqual(['keep']);
  });

  it('stores copies: changing a value after put or get changes nothing stored', async () => {
    const db = await open();
    const m = model('a');
    await db.put('models', m);
    m.name = 'changed';
    const read = (await db.get('models', 'a'))!;
    expect(read.name).toBe('a');
    read.name = 'changed again';
    expect((await db.get('models', 'a'))!.name).toBe('a');
  });

  it('a transaction ends when the task ends: a later request fails', async () => {
    const db = await open();
    const tx = db.transaction('models', 'readwrite');
    await tx.store.put(model('a'));
    await new Promise((resolve) => setTimeout(resolve, 5));
    await expect(Promise.resolve().then(() => tx.store.put(model('b')))).rejects.toMatchObject({ name: expect.stringMatching(/^(InvalidStateError|TransactionInactiveError)$/) });
    await tx.done;
    expect(await db.getAllKeys('models')).toEqual(['a']);
  });

  it('read-write transactions do not interleave', async () => {
    const db = await open();
    await db.put('models', model('counter', '0'));
    const bump = async () => {
      const tx = db.transaction('models', 'readwrite');
      const current = (await tx.store.get('counter'))!;
      await tx.store.put({ ...current, name: String(Number(current.name) + 1) });
      await tx.done;
    };
    await Promise.all([bump(), bump(), bump()]);
    expect((await db.get('models', 'counter'))!.name).toBe('3');
  });

  it('orders compound keys like IndexedDB and finds them by index', async () => {
    const db = await open();
    const tx = db.transaction('checkpoints', 'readwrite');
    for (const [s, e] of [['b', 1], ['a', 10], ['a', 2]] as const) {
      await tx.store.put({ sessionId: s, epoch: e } as never);
    }
    await tx.done;
    expect(await db.getAllKeys('checkpoints')).toEqual([['a', 2], ['a', 10], ['b', 1]]);
    expect(await db.getAllKeysFromIndex('checkpoints', 'by-session', 'a')).toEqual([['a', 2], ['a', 10]]);
  });
});

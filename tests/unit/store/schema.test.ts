import { afterEach, describe, expect, expectTypeOf, it, vi } from 'vitest';
import { openDB, type IDBPDatabase, type StoreNames } from 'idb';
import { bytes, newSession, uniqueName } from './helpers';
import { V1_CHECKPOINTS, V1_DATASET, V1_MODEL, V1_SESSION } from '../../fixtures/store/v1-records';
import { connectLabDb } from '../../../src/store/db';
import { createStoresV1, DB_NAME, DB_VERSION, upgradeLabDb, type ArchRepairDB, type ArchRepairDBV1, type ArchRepairDBV2 } from '../../../src/store/schema';
import { createSession, getSession, listSessions } from '../../../src/store/sessions';
import { getBackendCalibration } from '../../../src/store/settings';
import { latestCheckpoint, listCheckpoints } from '../../../src/store/checkpoints';
import { getModel } from '../../../src/store/models';
import { getDataset } from '../../../src/store/datasets';

/** Writes a database exactly as schema version 1 did, plus one foreign record. */
async function writeV1Database(name: string): Promise<void> {
  const db: IDBPDatabase<ArchRepairDBV1> = await openDB<ArchRepairDBV1>(name, 1, { upgrade: (d) => createStoresV1(d) });
  const tx = db.transaction(['sessions', 'checkpoints', 'models', 'datasets'], 'readwrite');
  await tx.objectStore('sessions').put(V1_SESSION);
  await tx.objectStore('sessions').put({ id: 'junk', note: 'written by another tool' } as never);
  for (const c of V1_CHECKPOINTS) await tx.objectStore('checkpoints').put(c);
  await tx.objectStore('models').put(V1_MODEL);
  await tx.objectStore('datasets').put(V1_DATASET);
  await tx.done;
  db.close();
}

describe('schema', () => {
  afterEach(() => vi.restoreAllMocks());

  it('is named archrepair-lab at version 3 and types its five stores', () => {
    expect(DB_NAME).toBe('archrepair-lab');
    expect(DB_VERSION).toBe(3);
    expectTypeOf<StoreNames<ArchRepairDB>>().toEqualTypeOf<'models' | 'datasets' | 'sessions' | 'checkpoints' | 'settings'>();
    expectTypeOf<StoreNames<ArchRepairDBV2>>().toEqualTypeOf<'models' | 'datasets' | 'sessions' | 'checkpoints'>();
    expectTypeOf<ArchRepairDB['checkpoints']['key']>().toEqualTypeOf<[string, number]>();
  });

  it('creates a fresh database with the current stores and index', async () => {
    const name = uniqueName();
    const handle = await connectLabDb({ name });
    expect(handle).toMatchObject({ persistent: true, reason: null });
    handle.db.close();
    const raw = await openDB(name);
    expect(raw.version).toBe(DB_VERSION);
    expect([...raw.objectStoreNames].sort()).toEqual(['checkpoints', 'datasets', 'models', 'sessions', 'settings']);
    expect([...raw.transaction('checkpoints').store.indexNames]).toEqual(['by-session']);
    expect(raw.transaction('settings').store.keyPath).toBe('key');
    raw.close();
  });

  it('upgrades a version 2 database by adding an empty settings store, keeping every record', async () => {
    const name = uniqueName();
    const v2 = await openDB<ArchRepairDB>(name, 2, { upgrade: (db, oldVersion, _newVersion, tx) => upgradeLabDb(db, oldVersion, tx, 2) });
    expect([...v2.objectStoreNames].sort()).toEqual(['checkpoints', 'datasets', 'models', 'sessions']);
    await createSession(v2, newSession('kept'));
    v2.close();

    const { db, persistent } = await connectLabDb({ name });
    expect(persistent).toBe(true);
    expect((await getSession(db, 'kept')).session).toMatchObject({ id: 'kept', name: 'Repair conv unit 2' });
    expect(await db.getAll('settings')).toEqual([]);
    expect(await getBackendCalibration(db, 'any device')).toBeNull();
    db.close();
    const raw = await openDB(name);
    expect(raw.version).toBe(3);
    raw.close();
  });

  it('upgrades a database written by version 1', async () => {
    const name = uniqueName();
    await writeV1Database(name);
    const { db, persistent } = await connectLabDb({ name });
    expect(persistent).toBe(true);

    const { session } = await getSession(db, 'old-session');
    expect(session).toMatchObject({
      v: 2,
      name: 'old-model on fashion-test',
      modelName: 'Old demo CNN',
      bestAccuracy: 0.74,
      epoch: 3,
      status: 'paused',
      owner: null,
      createdAt: V1_SESSION.updatedAt,
    });
    expect(session!.history).toHaveLength(3);
    expect(session!.checkpoints.map((c) => c.epoch)).toEqual([2, 3]);

    const { checkpoint } = await latestCheckpoint(db, 'old-session');
    expect(checkpoint!.epoch).toBe(3);
    expect(Object.keys(checkpoint!.supernet)).toEqual(['cell/w']);
    expect(Object.keys(checkpoint!.fineTune)).toEqual(['derived/w']);
    expect(Object.keys(checkpoint!.optimizer)).toEqual(['alpha/adam/m']);
    expect(bytes(checkpoint!.optimizer['alpha/adam/m'].data)).toEqual(bytes(V1_CHECKPOINTS[1].weights['opt/alpha/adam/m'].data));
    expect(checkpoint!.sizeBytes).toBe(4 * 4 + 3 * 4 + 40 * 4 + 40 * 4);
    expect((await listCheckpoints(db, 'old-session')).checkpoints[0].sizeBytes).toBe(checkpoint!.sizeBytes);

    expect((await getModel(db, 'old-model')).model).toMatchObject({ name: 'Old demo CNN', blockOverrides: [] });
    const { dataset } = await getDataset(db, 'fashion-test');
    expect(Array.from(dataset!.images)).toEqual([0, 0.25, 0.5, 1]);

    // The foreign record is left alone and reported, never a crash.
    const listed = await listSessions(db);
    expect(listed.sessions.map((s) => s.id)).toEqual(['old-session']);
    expect(listed.warnings).toHaveLength(1);
    expect(listed.warnings[0]).toMatch(/"junk"/);
    // Climbing from version 1 also reaches version 3.
    expect(await db.getAll('settings')).toEqual([]);
    db.close();
  });
});

describe('opening when IndexedDB cannot be used', () => {
  afterEach(() => vi.restoreAllMocks());

  it('falls back to memory when there is no IndexedDB', async () => {
    const saved = globalThis.indexedDB;
    Reflect.deleteProperty(globalThis, 'indexedDB');
    try {
      const handle = await connectLabDb({ name: uniqueName() });
      expect(handle.persistent).toBe(false);
      expect(handle.reason).toMatch(/no IndexedDB.*memory only/);
      // The fallback works like the real thing.
      await handle.db.put('datasets', { ...V1_DATASET, v: 2, imageDtype: 'float32', cachedAt: 1 });
      expect((await getDataset(handle.db, 'fashion-test')).dataset!.count).toBe(1);
    } finally {
      globalThis.indexedDB = saved;
    }
  });

  it('falls back when opening throws (storage blocked, private window)', async () => {
    vi.spyOn(indexedDB, 'open').mockImplementation(() => {
      throw new DOMException('The user denied permission to access the database.', 'SecurityError');
    });
    const handle = await connectLabDb({ name: uniqueName() });
    expect(handle.persistent).toBe(false);
    expect(handle.reason).toMatch(/blocks storage.*SecurityError/);
  });

  it('falls back when the database on disk is newer than this build', async () => {
    const name = uniqueName();
    (await openDB(name, DB_VERSION + 5)).close();
    const handle = await connectLabDb({ name });
    expect(handle.persistent).toBe(false);
    expect(handle.reason).toMatch(/newer version of ArchRepair Lab/);
  });

  it('falls back when another tab blocks the upgrade', async () => {
    const name = uniqueName();
    // An "old tab" holds version 1 open and ignores versionchange.
    const oldTab = await openDB<ArchRepairDBV1>(name, 1, { upgrade: (d) => createStoresV1(d) });
    const handle = await connectLabDb({ name, blockedTimeoutMs: 20 });
    expect(handle.persistent).toBe(false);
    expect(handle.reason).toMatch(/Another tab keeps an older version/);
    oldTab.close();
  });

  it('refuses the tfjs database name', async () => {
    await expect(connectLabDb({ name: 'tensorflowjs' })).rejects.toThrow(/tensorflowjs/);
  });
});

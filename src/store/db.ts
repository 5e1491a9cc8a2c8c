/**
 * Opens the lab database once. When IndexedDB cannot be used (private windows, blocked
 * storage, an open error, a newer version on disk, another tab blocking the upgrade) the lab
 * keeps working on an in-memory database with the same API and says why it is not persistent.
 */
import { openDB, type IDBPDatabase } from 'idb';
import { DB_NAME, DB_VERSION, upgradeLabDb, type ArchRepairDB } from './schema';
import { createMemoryDb } from './memory-db';

/** The part of idb's typed database that the store modules use (the memory fallback has it too). */
export type LabDb = Pick<
  IDBPDatabase<ArchRepairDB>,
  'get' | 'getAll' | 'getAllKeys' | 'getAllKeysFromIndex' | 'put' | 'delete' | 'transaction' | 'close'
>;

/** An open database and whether what it holds survives a reload. */
export interface LabDbHandle {
  db: LabDb;
  /** False when running on the in-memory fallback: nothing survives a reload. */
  persistent: boolean;
  /** Why storage is not persistent (for a visible warning), null when it is. */
  reason: string | null;
}

export interface ConnectOptions {
  /** Database name (tests use their own); never 'tensorflowjs'. Default DB_NAME. */
  name?: string;
  /** How long to wait once another tab blocks the upgrade before falling back (ms). */
  blockedTimeoutMs?: number;
  /** Called if the browser or a newer tab closes the connection later. */
  onLost?: (reason: string) => void;
}

function describe(err: unknown): string {
  if (err instanceof Error) {
    if (err.name === 'VersionError') return 'The saved data was written by a newer version of ArchRepair Lab. Reload the page to get the newest version.';
    if (err.name === 'SecurityError' || err.name === 'InvalidStateError') return `The browser blocks storage here (${err.name}), as private windows and some privacy settings do.`;
    return `IndexedDB could not be opened (${err.name}: ${err.message}).`;
  }
  return `IndexedDB could not be opened (${String(err)}).`;
}

function memory(reason: string): LabDbHandle {
  return { db: createMemoryDb(), persistent: false, reason: `${reason} Work is kept in memory only and is lost when the page closes.` };
}

/** Opens (and upgrades) the database; never rejects: falls back to memory with a reason. */
export async function connectLabDb(options: ConnectOptions = {}): Promise<LabDbHandle> {
  const name = options.name ?? DB_NAME;
  if (name === 'tensorflowjs') throw new Error('The lab database must not be named tensorflowjs (tfjs owns it).');
  if (typeof indexedDB === 'undefined' || indexedDB === null) return memory('This browser offers no IndexedDB here.');
  let onBlocked: () => void = () => undefined;
  const blocked = new Promise<'blocked'>((resolve) => {
    onBlocked = () => setTimeout(() => resolve('blocked'), options.blockedTimeoutMs ?? 3000);
  });
  let opening: Promise<IDBPDatabase<ArchRepairDB>>;
  try {
    opening = openDB<ArchRepairDB>(name, DB_VERSION, {
      upgrade: (db, oldVersion, _newVersion, tx) => upgradeLabDb(db, oldVersion, tx),
      blocked: () => onBlocked(),
      // A newer version wants to upgrade in another tab: let it, and tell the lab.
      blocking: () => {
        void opening.then((db) => db.close());
        options.onLost?.('A newer version of the lab was opened in another tab; reload this one.');
      },
      terminated: () => options.onLost?.('The browser closed the database (storage cleared or disk error).'),
    });
  } catch (err) {
    return memory(describe(err));
  }
  try {
    const winner = await Promise.race([opening, blocked]);
    if (winner === 'blocked') {
      // If the other tab lets go later, close the connection nobody will use.
      opening.then((db) => db.close(), () => undefined);
      return memory('Another tab keeps an older version of the lab open, so storage could not be upgraded; close it and reload.');
    }
    return { db: winner, persistent: true, reason: null };
  } catch (err) {
    return memory(describe(err));
  }
}

/** Aborts a transaction unless it already ended, and waits for it to settle. */
export async function abortQuietly(tx: { abort(): void; done: Promise<void> }): Promise<void> {
  try {
    tx.abort();
  } catch {
    // Already committed or aborted: nothing more to undo.
  }
  await tx.done.catch(() => undefined);
}

let shared: Promise<LabDbHandle> | null = null;

/** The lab's one database handle: opened on first call, the same promise afterwards. */
export function openLabDb(): Promise<LabDbHandle> {
  shared ??= connectLabDb();
  return shared;
}

/** Closes the shared handle so the next openLabDb() opens afresh (tests, storage reset). */
export async function closeLabDb(): Promise<void> {
  const handle = await shared;
  shared = null;
  handle?.db.close();
}

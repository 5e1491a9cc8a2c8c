/**
 * An in-memory stand-in for the lab database, used when IndexedDB cannot be opened. It offers
 * the subset of idb's API the store modules use (see `LabDb`), with the semantics they rely on:
 * values are structured-cloned, a transaction's writes land together or not at all (abort),
 * read-write transactions run one after another, and a transaction commits once no request is
 * pending at the end of a task (so awaiting something else inside one fails, as in IndexedDB).
 */
import type { LabDb } from './db';
import { STORE_LAYOUT } from './schema';

type Key = string | number | Key[];
type StoreName = keyof typeof STORE_LAYOUT;
interface Entry { key: Key; value: unknown }

const TYPE_RANK = { number: 0, string: 1, object: 2 } as const;

/** IndexedDB key order: numbers < strings < arrays; arrays element-wise. */
function compareKeys(a: Key, b: Key): number {
  const ra = TYPE_RANK[typeof a as keyof typeof TYPE_RANK];
  const rb = TYPE_RANK[typeof b as keyof typeof TYPE_RANK];
  if (ra !== rb) return ra - rb;
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      const c = compareKeys(a[i], b[i]);
      if (c !== 0) return c;
    }
    return a.length - b.length;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

function isKey(v: unknown): v is Key {
  return (typeof v === 'number' && !Number.isNaN(v)) || typeof v === 'string' || (Array.isArray(v) && v.every(isKey));
}

function keyOf(store: StoreName, value: unknown): Key {
  const path = STORE_LAYOUT[store].keyPath;
  const rec = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  const key = typeof path === 'string' ? rec[path] : path.map((p) => rec[p]);
  if (!isKey(key)) throw new DOMException(`The value has no valid key for store ${store}.`, 'DataError');
  return key;
}

class MemoryTransaction {
  readonly done: Promise<void>;
  private readonly writes = new Map<string, Entry | { key: Key; deleted: true }>();
  private state: 'active' | 'committed' | 'aborted' = 'active';
  private pending = 0;
  private started = false;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private settle!: (err?: Error) => void;

  constructor(private readonly db: MemoryDb, private readonly scope: StoreName[], readonly mode: IDBTransactionMode, private readonly ready: Promise<void>) {
    this.done = new Promise<void>((resolve, reject) => {
      this.settle = (err) => (err ? reject(err) : resolve());
    });
    this.done.catch(() => undefined);
    void ready.then(() => {
      this.started = true;
      this.maybeCommit();
    });
  }

  /** The only store of a one-store transaction (idb's `tx.store`). */
  get store() {
    return this.scope.length === 1 ? this.objectStore(this.scope[0]) : undefined;
  }

  objectStore(name: StoreName) {
    if (this.state !== 'active') throw new DOMException('The transaction has finished.', 'InvalidStateError');
    if (!this.scope.includes(name)) throw new DOMException(`${name} is not in this transaction.`, 'NotFoundError');
    const read = (): Entry[] => this.entries(name);
    return {
      get: (key: Key) => this.request(() => structuredClone(read().find((e) => compareKeys(e.key, key) === 0)?.value)),
      getAll: () => this.request(() => read().map((e) => structuredClone(e.value))),
      getAllKeys: () => this.request(() => read().map((e) => e.key)),
      put: (value: unknown) => {
        const copy = structuredClone(value);
        const key = keyOf(name, copy);
        return this.request(() => this.write(name, { key, value: copy }));
      },
      delete: (key: Key) => this.request(() => void this.write(name, { key, deleted: true })),
      index: (index: string) => {
        const path = (STORE_LAYOUT[name].indexes as Record<string, string>)[index];
        if (!path) throw new DOMException(`No index ${index}.`, 'NotFoundError');
        const matching = (q: unknown) => read().filter((e) => compareKeys((e.value as Record<string, Key>)[path], q as Key) === 0);
        return {
          getAll: (q: unknown) => this.request(() => matching(q).map((e) => structuredClone(e.value))),
          getAllKeys: (q: unknown) => this.request(() => matching(q).map((e) => e.key)),
        };
      },
    };
  }

  abort(reason?: Error): void {
    if (this.state !== 'active') throw new DOMException('The transaction has finished.', 'InvalidStateError');
    this.state = 'aborted';
    this.writes.clear();
    this.settle(reason ?? new DOMException('The transaction was aborted.', 'AbortError'));
  }

  /** Live entries of one store with this transaction's own writes applied, in key order. */
  private entries(name: StoreName): Entry[] {
    const merged = new Map(this.db.store(name));
    for (const [id, w] of this.writes) {
      if (!id.startsWith(`${name}\u0000`)) continue;
      const keyId = id.slice(name.length + 1);
      if ('deleted' in w) merged.delete(keyId);
      else merged.set(keyId, w);
    }
    return [...merged.values()].sort((a, b) => compareKeys(a.key, b.key));
  }

  private write(name: StoreName, w: Entry | { key: Key; deleted: true }): Key {
    if (this.mode === 'readonly') throw new DOMException('The transaction is read-only.', 'ReadOnlyError');
    this.writes.set(`${name}\u0000${JSON.stringify(w.key)}`, w);
    return w.key;
  }

  private request<T>(fn: () => T): Promise<T> {
    if (this.state !== 'active') return Promise.reject(new DOMException('The transaction has finished.', 'TransactionInactiveError'));
    if (this.timer) clearTimeout(this.timer);
    this.pending++;
    return this.ready
      .then(() => {
        if (this.state !== 'active') throw new DOMException('The transaction was aborted.', 'AbortError');
        try {
          return fn();
        } catch (err) {
          this.abort(err as Error);
          throw err;
        }
      })
      .finally(() => {
        this.pending--;
        this.maybeCommit();
      });
  }

  private maybeCommit(): void {
    if (!this.started || this.pending > 0 || this.state !== 'active') return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.commit(), 0);
  }

  private commit(): void {
    if (this.state !== 'active' || this.pending > 0) return;
    this.state = 'committed';
    for (const [id, w] of this.writes) {
      const sep = id.indexOf('\u0000');
      const store = this.db.store(id.slice(0, sep) as StoreName);
      if ('deleted' in w) store.delete(id.slice(sep + 1));
      else store.set(id.slice(sep + 1), w);
    }
    this.settle();
  }
}

class MemoryDb {
  private readonly stores = new Map<StoreName, Map<string, Entry>>();
  private lastWrite: Promise<void> = Promise.resolve();

  store(name: StoreName): Map<string, Entry> {
    let s = this.stores.get(name);
    if (!s) this.stores.set(name, (s = new Map()));
    return s;
  }

  transaction(names: StoreName | StoreName[], mode: IDBTransactionMode = 'readonly'): MemoryTransaction {
    const tx = new MemoryTransaction(this, Array.isArray(names) ? names : [names], mode, this.lastWrite);
    // Read-write transactions queue behind the previous one, as IndexedDB serialises them.
    if (mode === 'readwrite') this.lastWrite = tx.done.catch(() => undefined);
    return tx;
  }

  async get(name: StoreName, key: Key): Promise<unknown> {
    return this.transaction(name).objectStore(name).get(key);
  }
  async getAll(name: StoreName): Promise<unknown[]> {
    return this.transaction(name).objectStore(name).getAll();
  }
  async getAllKeys(name: StoreName): Promise<Key[]> {
    return this.transaction(name).objectStore(name).getAllKeys();
  }
  async getAllKeysFromIndex(name: StoreName, index: string, q: unknown): Promise<Key[]> {
    return this.transaction(name).objectStore(name).index(index).getAllKeys(q);
  }
  async put(name: StoreName, value: unknown): Promise<Key> {
    const tx = this.transaction(name, 'readwrite');
    const key = await tx.objectStore(name).put(value);
    await tx.done;
    return key;
  }
  async delete(name: StoreName, key: Key): Promise<void> {
    const tx = this.transaction(name, 'readwrite');
    await tx.objectStore(name).delete(key);
    await tx.done;
  }
  close(): void {}
}

/** A fresh, empty in-memory lab database with the current schema. */
export function createMemoryDb(): LabDb {
  // The memory class implements exactly the LabDb subset; idb's generic types cannot be
  // spelled by a second implementation, hence the cast at this one boundary.
  return new MemoryDb() as unknown as LabDb;
}

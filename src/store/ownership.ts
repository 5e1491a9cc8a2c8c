/**
 * One tab owns a session at a time. With the Web Locks API the lock is the truth (the browser
 * frees it when the tab dies); without it, a lease in the session record (owner tab + heartbeat)
 * is, and lapses `leaseMs` after the owner's last heartbeat. Either way the record names the
 * owner so a second tab can be told who has it.
 */
import { abortQuietly, type LabDb } from './db';
import { checkSession } from './validate';

export type ClaimResult = { owned: true; via: 'web-locks' | 'lease' } | { owned: false; reason: string; ownerTabId: string | null };

/** The part of `navigator.locks` we use. */
export interface LockManagerLike {
  request(name: string, options: { ifAvailable: true }, callback: (lock: unknown) => unknown): Promise<unknown>;
}

export interface OwnershipOptions {
  /** Default `navigator.locks` where present; null forces the lease fallback. */
  locks?: LockManagerLike | null;
  /** Clock in epoch ms (tests pass their own). */
  now?: () => number;
  /** How long a lease lives without a heartbeat (ms, default 15 000). */
  leaseMs?: number;
  /** Heartbeat period in lease mode (ms, default leaseMs / 3; 0 = no timer, call heartbeatSession). */
  heartbeatMs?: number;
  /**
   * How long a Web Locks claim keeps asking before it says the session is taken (ms, default
   * 3 000): right after a reload the browser may not yet have freed the dead page's lock.
   */
  lockWaitMs?: number;
}

interface Hold {
  release: () => void;
  timer: ReturnType<typeof setInterval> | null;
}

const holds = new Map<string, Hold>();
const holdKey = (id: string, tabId: string): string => `${id}\u0000${tabId}`;

function defaultLocks(): LockManagerLike | null {
  const nav = (globalThis as { navigator?: { locks?: LockManagerLike } }).navigator;
  return nav?.locks ?? null;
}

/** Writes (or, with `force` false, only takes a free or lapsed) lease; returns the blocking owner if any. */
async function writeLease(db: LabDb, id: string, tabId: string, now: number, leaseMs: number, force: boolean): Promise<{ missing: boolean; blockedBy: { tabId: string; ageMs: number } | null }> {
  const tx = db.transaction('sessions', 'readwrite');
  const checked = checkSession(await tx.store.get(id));
  if (!checked.ok) {
    await abortQuietly(tx);
    return { missing: true, blockedBy: null };
  }
  const owner = checked.value.owner;
  if (!force && owner && owner.tabId !== tabId && now - owner.heartbeatAt < leaseMs) {
    await abortQuietly(tx);
    return { missing: false, blockedBy: { tabId: owner.tabId, ageMs: now - owner.heartbeatAt } };
  }
  await tx.store.put({ ...checked.value, owner: { tabId, heartbeatAt: now } });
  await tx.done;
  return { missing: false, blockedBy: null };
}

async function ownerOf(db: LabDb, id: string): Promise<string | null> {
  const checked = checkSession(await db.get('sessions', id));
  return checked.ok ? (checked.value.owner?.tabId ?? null) : null;
}

function busy(ownerTabId: string | null): ClaimResult {
  const who = ownerTabId ? `another tab (${ownerTabId})` : 'another tab';
  return { owned: false, ownerTabId, reason: `This session is open in ${who}. Pause it or close that tab there; then it can be resumed here.` };
}

/** Makes this tab the owner of a session, or says who owns it. Idempotent for the same tab. */
export async function claimSession(db: LabDb, id: string, tabId: string, options: OwnershipOptions = {}): Promise<ClaimResult> {
  const now = options.now ?? Date.now;
  const leaseMs = options.leaseMs ?? 15_000;
  const locks = options.locks === undefined ? defaultLocks() : options.locks;
  if (holds.has(holdKey(id, tabId))) return { owned: true, via: locks ? 'web-locks' : 'lease' };
  if (!checkSession(await db.get('sessions', id)).ok) return { owned: false, ownerTabId: null, reason: 'This session is missing or unreadable.' };
  if (locks) {
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const ask = () => new Promise<boolean>((resolve, reject) => {
      locks.request(`archrepair-session:${id}`, { ifAvailable: true }, (lock) => {
        resolve(lock !== null);
        // Returning the pending promise keeps the lock until releaseSession resolves it.
        return lock !== null ? held : undefined;
      }).catch(reject);
    });
    const deadline = Date.now() + (options.lockWaitMs ?? 3_000);
    let granted = await ask();
    while (!granted && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      granted = await ask();
    }
    if (!granted) return busy(await ownerOf(db, id));
    holds.set(holdKey(id, tabId), { release, timer: null });
    // The lock decides; the record only names the owner for other tabs.
    await writeLease(db, id, tabId, now(), leaseMs, true);
    return { owned: true, via: 'web-locks' };
  }
  const lease = await writeLease(db, id, tabId, now(), leaseMs, false);
  if (lease.missing) return { owned: false, ownerTabId: null, reason: 'This session is missing or unreadable.' };
  if (lease.blockedBy) return busy(lease.blockedBy.tabId);
  const period = options.heartbeatMs ?? leaseMs / 3;
  const timer = period > 0 ? setInterval(() => void heartbeatSession(db, id, tabId, now()).catch(() => undefined), period) : null;
  holds.set(holdKey(id, tabId), { release: () => undefined, timer });
  return { owned: true, via: 'lease' };
}

/** Renews this tab's lease; false if another tab has taken the session over since. */
export async function heartbeatSession(db: LabDb, id: string, tabId: string, now = Date.now()): Promise<boolean> {
  const tx = db.transaction('sessions', 'readwrite');
  const checked = checkSession(await tx.store.get(id));
  if (!checked.ok || checked.value.owner?.tabId !== tabId) {
    await abortQuietly(tx);
    return false;
  }
  await tx.store.put({ ...checked.value, owner: { tabId, heartbeatAt: now } });
  await tx.done;
  return true;
}

/** Gives up this tab's ownership (lock, heartbeat timer and owner field). */
export async function releaseSession(db: LabDb, id: string, tabId: string): Promise<void> {
  const hold = holds.get(holdKey(id, tabId));
  holds.delete(holdKey(id, tabId));
  if (hold?.timer) clearInterval(hold.timer);
  hold?.release();
  const tx = db.transaction('sessions', 'readwrite');
  const checked = checkSession(await tx.store.get(id));
  if (!checked.ok || checked.value.owner?.tabId !== tabId) {
    await abortQuietly(tx);
    return;
  }
  await tx.store.put({ ...checked.value, owner: null });
  await tx.done;
}

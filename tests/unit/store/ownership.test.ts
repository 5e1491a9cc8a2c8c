import { describe, expect, it } from 'vitest';
import { BACKENDS, newSession } from './helpers';
import { claimSession, heartbeatSession, releaseSession, type LockManagerLike } from '../../../src/store/ownership';
import { createSession, getSession } from '../../../src/store/sessions';

/** Web Locks semantics for `ifAvailable` requests, shared by the "tabs" of one test. */
function fakeLocks(): LockManagerLike {
  const held = new Set<string>();
  return {
    async request(name, _options, callback) {
      if (held.has(name)) return callback(null);
      held.add(name);
      try {
        return await callback({ name });
      } finally {
        held.delete(name);
      }
    },
  };
}

describe.each(BACKENDS)('two tabs on one session ($name)', ({ open }) => {
  it('with Web Locks: the first tab owns it, the second is told who does', async () => {
    const db = await open();
    await createSession(db, newSession('s'));
    const locks = fakeLocks();
    expect(await claimSession(db, 's', 'tab-A', { locks })).toEqual({ owned: true, via: 'web-locks' });
    expect(await claimSession(db, 's', 'tab-A', { locks })).toEqual({ owned: true, via: 'web-locks' });
    const second = await claimSession(db, 's', 'tab-B', { locks, lockWaitMs: 0 });
    expect(second).toMatchObject({ owned: false, ownerTabId: 'tab-A' });
    expect(second.owned ? '' : second.reason).toMatch(/open in another tab \(tab-A\)/);
    await releaseSession(db, 's', 'tab-A');
    expect((await getSession(db, 's')).session!.owner).toBeNull();
    expect(await claimSession(db, 's', 'tab-B', { locks })).toEqual({ owned: true, via: 'web-locks' });
    await releaseSession(db, 's', 'tab-B');
  });

  it('with Web Locks: a claim waits a moment for a lock a reloaded page has not yet let go of', async () => {
    const db = await open();
    await createSession(db, newSession('s'));
    const locks = fakeLocks();
    expect(await claimSession(db, 's', 'dead-page', { locks })).toEqual({ owned: true, via: 'web-locks' });
    const freed = new Promise((r) => setTimeout(r, 300)).then(() => releaseSession(db, 's', 'dead-page'));
    expect(await claimSession(db, 's', 'new-page', { locks, lockWaitMs: 2_000 })).toEqual({ owned: true, via: 'web-locks' });
    await freed;
    await releaseSession(db, 's', 'new-page');
  });

  it('without Web Locks: a lease with heartbeat, taken over only after it lapses', async () => {
    const db = await open();
    await createSession(db, newSession('s'));
    let clock = 1_000_000;
    const opts = { locks: null, now: () => clock, leaseMs: 10_000, heartbeatMs: 0 };
    expect(await claimSession(db, 's', 'tab-A', opts)).toEqual({ owned: true, via: 'lease' });
    clock += 8_000;
    expect(await claimSession(db, 's', 'tab-B', opts)).toMatchObject({ owned: false, ownerTabId: 'tab-A' });
    expect(await heartbeatSession(db, 's', 'tab-A', clock)).toBe(true);
    clock += 8_000;
    expect(await claimSession(db, 's', 'tab-B', opts)).toMatchObject({ owned: false, ownerTabId: 'tab-A' });
    clock += 10_001; // tab A died: no heartbeat for longer than the lease
    expect(await claimSession(db, 's', 'tab-B', opts)).toEqual({ owned: true, via: 'lease' });
    expect(await heartbeatSession(db, 's', 'tab-A', clock)).toBe(false);
    expect((await getSession(db, 's')).session!.owner).toEqual({ tabId: 'tab-B', heartbeatAt: clock });
    await releaseSession(db, 's', 'tab-A'); // not the owner: changes nothing
    expect((await getSession(db, 's')).session!.owner?.tabId).toBe('tab-B');
    await releaseSession(db, 's', 'tab-B');
    expect((await getSession(db, 's')).session!.owner).toBeNull();
  });

  it('refuses a missing session', async () => {
    const db = await open();
    expect(await claimSession(db, 'ghost', 'tab-A', { locks: null, heartbeatMs: 0 })).toMatchObject({ owned: false, ownerTabId: null });
  });
});

import { describe, expect, it } from 'vitest';
import { requestPersistence, storageEstimate } from '../../../src/store/storage';

describe('storage estimate and persistence', () => {
  it('reports usage and quota from navigator.storage.estimate()', async () => {
    const est = await storageEstimate({ estimate: async () => ({ usage: 250, quota: 1000 }) });
    expect(est).toEqual({ isAvailable: true, usageBytes: 250, quotaBytes: 1000, usedFraction: 0.25 });
  });

  it('is safe when the API is missing or fails', async () => {
    expect(await storageEstimate(undefined)).toMatchObject({ isAvailable: false });
    expect(await storageEstimate({})).toMatchObject({ isAvailable: false });
    const failing = await storageEstimate({ estimate: () => Promise.reject(new Error('nope')) });
    expect(failing).toMatchObject({ isAvailable: false, reason: expect.stringMatching(/nope/) });
  });

  it('requests persistence once and reports the answer', async () => {
    let asked = 0;
    const granting = { persisted: async () => false, persist: async () => (++asked, true) };
    expect(await requestPersistence(granting)).toEqual({ persisted: true, reason: null });
    expect(asked).toBe(1);
    expect(await requestPersistence({ persisted: async () => true, persist: async () => (++asked, true) })).toEqual({ persisted: true, reason: null });
    expect(asked).toBe(1);
    expect(await requestPersistence({ persist: async () => false })).toMatchObject({ persisted: false, reason: expect.stringMatching(/declined/) });
    expect(await requestPersistence(undefined)).toMatchObject({ persisted: false });
    expect(await requestPersistence({ persist: () => Promise.reject(new Error('boom')) })).toMatchObject({ persisted: false, reason: expect.stringMatching(/boom/) });
  });
});

/** Storage usage, quota and persistence (navigator.storage), safe where the API is missing. */

/** The part of `navigator.storage` we use. */
export interface StorageManagerLike {
  estimate?: () => Promise<{ usage?: number; quota?: number }>;
  persist?: () => Promise<boolean>;
  persisted?: () => Promise<boolean>;
}

export type StorageEstimate =
  | { isAvailable: true; usageBytes: number; quotaBytes: number; /** usage / quota in [0, 1]. */ usedFraction: number }
  | { isAvailable: false; reason: string };

function defaultStorage(): StorageManagerLike | undefined {
  return (globalThis as { navigator?: { storage?: StorageManagerLike } }).navigator?.storage;
}

/** Bytes used and the origin's quota, or why they are unknown. */
export async function storageEstimate(storage: StorageManagerLike | undefined = defaultStorage()): Promise<StorageEstimate> {
  if (!storage?.estimate) return { isAvailable: false, reason: 'This browser does not report storage usage.' };
  try {
    const { usage = 0, quota = 0 } = await storage.estimate();
    return { isAvailable: true, usageBytes: usage, quotaBytes: quota, usedFraction: quota > 0 ? Math.min(1, usage / quota) : 0 };
  } catch (err) {
    return { isAvailable: false, reason: `Storage usage is unavailable (${String(err)}).` };
  }
}

/**
 * Asks the browser not to evict the lab's data under storage pressure. `persist()` exists on
 * pages only (not in workers), so call this from the UI.
 */
export async function requestPersistence(storage: StorageManagerLike | undefined = defaultStorage()): Promise<{ persisted: boolean; reason: string | null }> {
  try {
    if (storage?.persisted && (await storage.persisted())) return { persisted: true, reason: null };
    if (!storage?.persist) return { persisted: false, reason: 'This browser (or a worker) cannot request persistent storage.' };
    const granted = await storage.persist();
    return granted ? { persisted: true, reason: null } : { persisted: false, reason: 'The browser declined; data may be evicted when the disk is nearly full.' };
  } catch (err) {
    return { persisted: false, reason: `Persistent storage request failed (${String(err)}).` };
  }
}

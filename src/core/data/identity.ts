/**
 * The identity of a loaded labelled set: name, count, shape, classes and a content hash, so a
 * session, a report or a lesson URL can record which set was used and resume can refuse another.
 * Works in the browser, the worker and Node: SHA-256 through Web Crypto (`crypto.subtle`, global
 * in browsers, workers and Node ≥ 19), with FNV-1a 64 as the fallback where Web Crypto is missing
 * (a page served insecurely). The algorithm is part of the hash string.
 */
import type { Dataset } from './dataset';

export interface DatasetIdentity {
  name: string;
  count: number;
  /** [H, W, C] of the loaded images. */
  shape: [number, number, number];
  classNames: string[];
  /** `sha256:<hex>` (or `fnv1a64:<hex>` without Web Crypto) over shape, class names, labels and pixels. */
  hash: string;
}

const hex = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

const bytesOf = (a: Float32Array | Int32Array): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

/** FNV-1a 64-bit over several byte arrays, with 16-bit limbs (no BigInt, fast enough for fallbacks). */
export function fnv1a64(parts: readonly Uint8Array[]): string {
  // offset basis 0xcbf29ce484222325 as four 16-bit limbs, low first.
  let h0 = 0x2325, h1 = 0x8422, h2 = 0x9ce4, h3 = 0xcbf2;
  for (const part of parts) {
    for (let i = 0; i < part.length; i++) {
      h0 ^= part[i];
      // × prime 0x100000001b3 = 2^40 + 0x1b3
      const a0 = h0 * 0x1b3, a1 = h1 * 0x1b3, a2 = h2 * 0x1b3, a3 = h3 * 0x1b3;
      // + (h << 40): limb k gets h[k-2] shifted by 8 bits
      const b2 = (h0 << 8) & 0xffff, b3 = ((h1 << 8) | (h0 >>> 8)) & 0xffff;
      let t = a0;
      h0 = t & 0xffff;
      t = a1 + (t >>> 16);
      h1 = t & 0xffff;
      t = a2 + b2 + Math.floor(t / 65536);
      h2 = t & 0xffff;
      t = a3 + b3 + Math.floor(t / 65536);
      h3 = t & 0xffff;
    }
  }
  return [h3, h2, h1, h0].map((h) => h.toString(16).padStart(4, '0')).join('');
}

function subtle(): SubtleCrypto | null {
  const c = (globalThis as { crypto?: Crypto }).crypto;
  return c && c.subtle && typeof c.subtle.digest === 'function' ? c.subtle : null;
}

async function sha256(s: SubtleCrypto, bytes: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await s.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
}

/** The stable content hash of a set: the same pixels, labels, shape and class names give the same string. */
export async function datasetHash(ds: Pick<Dataset, 'images' | 'labels' | 'height' | 'width' | 'channels' | 'classNames' | 'count'>): Promise<string> {
  const header = new TextEncoder().encode(JSON.stringify({ shape: [ds.count, ds.height, ds.width, ds.channels], classNames: ds.classNames }));
  const labels = bytesOf(ds.labels.subarray(0, ds.count));
  const images = bytesOf(ds.images);
  const s = subtle();
  if (!s) return `fnv1a64:${fnv1a64([header, labels, images])}`;
  // Hash the parts, then their hashes: no copy of the pixels is made.
  const digests = await Promise.all([header, labels, images].map((p) => sha256(s, p)));
  const joined = new Uint8Array(96);
  digests.forEach((d, i) => joined.set(d, i * 32));
  return `sha256:${hex(await sha256(s, joined))}`;
}

/** The identity record of a loaded set. */
export async function datasetIdentity(ds: Dataset): Promise<DatasetIdentity> {
  return { name: ds.name, count: ds.count, shape: [ds.height, ds.width, ds.channels], classNames: [...ds.classNames], hash: await datasetHash(ds) };
}

/** True when two identities describe the same content (name aside). */
export function sameContent(a: DatasetIdentity, b: DatasetIdentity): boolean {
  return a.hash === b.hash && a.count === b.count;
}

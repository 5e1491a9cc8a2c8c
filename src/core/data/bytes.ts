import { LabError } from '../errors';

/** One named file's bytes, as dropped by the user or fetched from public/data. */
export interface NamedBytes {
  name: string;
  bytes: Uint8Array;
}

/** Reads a big-endian uint32 at `offset`, or throws a LabError naming `file` and `field` when the file is too short. */
export function readUint32BE(file: NamedBytes, offset: number, field: string): number {
  if (offset + 4 > file.bytes.length) {
    throw new LabError(`${file.name} is truncated: it ends before the ${field} (byte ${offset}).`, {
      file: file.name,
      field,
      fix: 'The file is incomplete; copy or download it again.',
    });
  }
  const b = file.bytes;
  return ((b[offset] << 24) | (b[offset + 1] << 16) | (b[offset + 2] << 8) | b[offset + 3]) >>> 0;
}

/** True when the bytes start with the gzip signature 1f 8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Inflates gzip bytes with the platform's DecompressionStream (browser, worker and Node ≥ 18); rejects with a LabError on corrupt data. */
export async function gunzip(file: NamedBytes): Promise<NamedBytes> {
  try {
    const stream = new Blob([file.bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('gzip'));
    const out = new Uint8Array(await new Response(stream).arrayBuffer());
    return { name: file.name, bytes: out };
  } catch (err) {
    throw new LabError(`${file.name} looks gzip-compressed but could not be decompressed (${(err as Error).message}).`, {
      file: file.name,
      field: 'gzip',
      fix: 'Decompress it yourself (gunzip) or download the file again.',
    });
  }
}

/** Returns the file inflated when it is gzip-compressed, else unchanged. */
export async function maybeGunzip(file: NamedBytes): Promise<NamedBytes> {
  return isGzip(file.bytes) ? gunzip(file) : file;
}

/** Converts uint8 pixels (0–255) to floats in [0, 1]. */
export function bytesToUnitFloats(bytes: Uint8Array): Float32Array {
  const out = new Float32Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) out[i] = bytes[i] / 255;
  return out;
}

/** Default class names '0', '1', … for `count` classes. */
export function numberedClassNames(count: number): string[] {
  return Array.from({ length: count }, (_, i) => String(i));
}

/**
 * Quantised weights as tensorflowjs_converter writes them (`--quantize_uint8`, `--quantize_uint16`,
 * `--quantize_float16`): byte sizes, and decoding to float32 the way tfjs does (q · scale + min,
 * or IEEE half → single). Pure: no tfjs.
 */
import { prod } from './layer-math';

export type QuantisedDtype = 'uint8' | 'uint16' | 'float16';

/** A manifest weight's `quantization` entry. */
export interface Quantization {
  dtype: QuantisedDtype;
  /** uint8/uint16 only: value = q · scale + min. */
  scale?: number;
  min?: number;
}

export const QUANTISED_DTYPES: readonly QuantisedDtype[] = ['uint8', 'uint16', 'float16'];

const BYTES: Record<QuantisedDtype | 'float32', number> = { uint8: 1, uint16: 2, float16: 2, float32: 4 };

/** Bytes one weight takes in the shards. */
export function storedByteLength(spec: { shape: readonly number[]; quantization?: Quantization }): number {
  return prod(spec.shape as number[]) * BYTES[spec.quantization?.dtype ?? 'float32'];
}

/** Bytes per stored element. */
export function storedElementBytes(spec: { quantization?: Quantization }): number {
  return BYTES[spec.quantization?.dtype ?? 'float32'];
}

/** float16 bits → float32 value (exact: every half is a float). */
export function halfToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction === 0 ? sign * Infinity : Number.NaN;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

/** Decodes one weight's stored bytes (little-endian) to float32 values. */
export function decodeWeight(spec: { shape: readonly number[]; quantization?: Quantization }, bytes: Uint8Array): Float32Array {
  const size = prod(spec.shape as number[]);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(size);
  const q = spec.quantization;
  if (!q) {
    for (let i = 0; i < size; i++) out[i] = view.getFloat32(i * 4, true);
  } else if (q.dtype === 'float16') {
    for (let i = 0; i < size; i++) out[i] = halfToFloat(view.getUint16(i * 2, true));
  } else {
    const scale = q.scale ?? 1;
    const min = q.min ?? 0;
    for (let i = 0; i < size; i++) out[i] = (q.dtype === 'uint8' ? bytes[i] : view.getUint16(i * 2, true)) * scale + min;
  }
  return out;
}

/** Every weight decoded to float32, concatenated in manifest order (the `weightData` tfjs reads for float32 specs). */
export function dequantiseAll(specs: readonly { shape: readonly number[]; quantization?: Quantization }[], stored: Uint8Array): ArrayBuffer {
  const total = specs.reduce((s, w) => s + prod(w.shape as number[]), 0);
  const out = new Float32Array(total);
  let src = 0;
  let dst = 0;
  for (const spec of specs) {
    const length = storedByteLength(spec);
    const values = decodeWeight(spec, stored.subarray(src, src + length));
    out.set(values, dst);
    src += length;
    dst += values.length;
  }
  return out.buffer;
}

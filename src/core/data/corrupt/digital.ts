/** Digital corruptions: pixelate, JPEG-like compression, elastic transform. Each: (image, shape, severity, rng) → new image in [0, 1]. */
import type { Rng } from '../../random';
import { bySeverity, clamp01, gaussianBlur, scaled, warp, type ImageShape, type Severity } from './image-ops';

/** Pixelate: box-downsample to 80 % … 25 % of the size, then nearest-neighbour upsample back. */
export function pixelate(image: Float32Array, shape: ImageShape, severity: Severity): Float32Array {
  const factor = bySeverity([0.8, 0.6, 0.45, 0.35, 0.25], severity);
  const { height, width, channels } = shape;
  const h = Math.max(1, Math.round(height * factor));
  const w = Math.max(1, Math.round(width * factor));
  const small = new Float32Array(h * w * channels);
  const counts = new Float32Array(h * w);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const s = Math.floor((y * h) / height) * w + Math.floor((x * w) / width);
      counts[s]++;
      for (let c = 0; c < channels; c++) small[s * channels + c] += image[(y * width + x) * channels + c];
    }
  }
  const out = new Float32Array(image.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const s = Math.floor((y * h) / height) * w + Math.floor((x * w) / width);
      for (let c = 0; c < channels; c++) out[(y * width + x) * channels + c] = small[s * channels + c] / counts[s];
    }
  }
  return out;
}

/** JPEG's example quantisation tables (ITU T.81 Annex K) for luminance and chrominance, row-major 8×8. */
const LUMA_Q = [16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56, 14, 17, 22, 29, 51, 87, 80, 62, 18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92, 49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99];
const CHROMA_Q = [17, 18, 24, 47, 99, 99, 99, 99, 18, 21, 26, 66, 99, 99, 99, 99, 24, 26, 56, 99, 99, 99, 99, 99, 47, 66, 99, 99, 99, 99, 99, 99, ...new Array<number>(32).fill(99)];
const COS = Float32Array.from({ length: 64 }, (_, i) => Math.cos(((2 * (i % 8) + 1) * Math.floor(i / 8) * Math.PI) / 16));
const ALPHA = (u: number): number => (u === 0 ? Math.SQRT1_2 : 1);

/** JPEG-like compression: 8×8 DCT of each plane (YCbCr for RGB), quantised with the standard tables at quality 40 … 6. */
export function jpegCompression(image: Float32Array, shape: ImageShape, severity: Severity): Float32Array {
  const quality = bySeverity([40, 25, 15, 10, 6], severity);
  // libjpeg's quality → table scale rule.
  const scale = quality < 50 ? 5000 / quality : 200 - 2 * quality;
  const table = (base: number[]): Float32Array => Float32Array.from(base, (q) => Math.max(1, Math.floor((q * scale + 50) / 100)));
  const planes = toPlanes(image, shape);
  const out = planes.map((plane, i) => quantisePlane(plane, shape.height, shape.width, table(i === 0 ? LUMA_Q : CHROMA_Q)));
  return clamp01(fromPlanes(out, shape));
}

/** Splits into planes on the 0–255 scale: [grey] or [Y, Cb, Cr] (JFIF conversion). */
function toPlanes(image: Float32Array, shape: ImageShape): Float32Array[] {
  const n = shape.height * shape.width;
  if (shape.channels === 1) return [image.map((v) => v * 255)];
  const [y, cb, cr] = [new Float32Array(n), new Float32Array(n), new Float32Array(n)];
  for (let p = 0; p < n; p++) {
    const [r, g, b] = [image[3 * p] * 255, image[3 * p + 1] * 255, image[3 * p + 2] * 255];
    y[p] = 0.299 * r + 0.587 * g + 0.114 * b;
    cb[p] = 128 - 0.168736 * r - 0.331264 * g + 0.5 * b;
    cr[p] = 128 + 0.5 * r - 0.418688 * g - 0.081312 * b;
  }
  return [y, cb, cr];
}

function fromPlanes(planes: Float32Array[], shape: ImageShape): Float32Array {
  if (shape.channels === 1) return planes[0].map((v) => v / 255);
  const [y, cb, cr] = planes;
  const out = new Float32Array(y.length * 3);
  for (let p = 0; p < y.length; p++) {
    out[3 * p] = (y[p] + 1.402 * (cr[p] - 128)) / 255;
    out[3 * p + 1] = (y[p] - 0.344136 * (cb[p] - 128) - 0.714136 * (cr[p] - 128)) / 255;
    out[3 * p + 2] = (y[p] + 1.772 * (cb[p] - 128)) / 255;
  }
  return out;
}

/** DCT → quantise → inverse DCT on every 8×8 block; edge blocks read replicated border pixels. */
function quantisePlane(plane: Float32Array, height: number, width: number, q: Float32Array): Float32Array {
  const out = new Float32Array(plane.length);
  const block = new Float32Array(64);
  const coef = new Float32Array(64);
  const tmp = new Float32Array(64);
  for (let by = 0; by < height; by += 8) {
    for (let bx = 0; bx < width; bx += 8) {
      for (let i = 0; i < 64; i++) {
        const y = Math.min(height - 1, by + Math.floor(i / 8));
        const x = Math.min(width - 1, bx + (i % 8));
        block[i] = plane[y * width + x] - 128;
      }
      // Separable 2-D DCT-II: rows, then columns (orthonormal scaling 0.25·α(u)·α(v)).
      dct1d(block, tmp, false);
      for (let i = 0; i < 64; i++) coef[i] = Math.round(tmp[i] / q[i]) * q[i];
      dct1d(coef, block, true);
      for (let y = 0; y < 8 && by + y < height; y++) {
        for (let x = 0; x < 8 && bx + x < width; x++) out[(by + y) * width + bx + x] = block[y * 8 + x] + 128;
      }
    }
  }
  return out;
}

/** 8×8 DCT (inverse = false) or inverse DCT of `src` into `dst`, orthonormal, as two 1-D passes. */
function dct1d(src: Float32Array, dst: Float32Array, inverse: boolean): void {
  const mid = new Float32Array(64);
  // Pass 1 over rows (x ↔ u), pass 2 over columns (y ↔ v).
  for (let r = 0; r < 8; r++) {
    for (let k = 0; k < 8; k++) {
      let sum = 0;
      for (let n = 0; n < 8; n++) sum += inverse ? 0.5 * ALPHA(n) * src[r * 8 + n] * COS[n * 8 + k] : 0.5 * ALPHA(k) * src[r * 8 + n] * COS[k * 8 + n];
      mid[r * 8 + k] = sum;
    }
  }
  for (let col = 0; col < 8; col++) {
    for (let k = 0; k < 8; k++) {
      let sum = 0;
      for (let n = 0; n < 8; n++) sum += inverse ? 0.5 * ALPHA(n) * mid[n * 8 + col] * COS[n * 8 + k] : 0.5 * ALPHA(k) * mid[n * 8 + col] * COS[k * 8 + n];
      dst[k * 8 + col] = sum;
    }
  }
}

/** Elastic transform: a smooth random displacement field (Gaussian-filtered noise) whose largest shift is 1 … 3.6 px (at 28 px). */
export function elasticTransform(image: Float32Array, shape: ImageShape, severity: Severity, rng: Rng): Float32Array {
  const maxShift = scaled(shape, bySeverity([1, 1.6, 2.2, 2.9, 3.6], severity));
  const fieldShape: ImageShape = { height: shape.height, width: shape.width, channels: 2 };
  const noise = new Float32Array(shape.height * shape.width * 2);
  for (let i = 0; i < noise.length; i++) noise[i] = rng.next() * 2 - 1;
  const field = gaussianBlur(noise, fieldShape, scaled(fieldShape, 3));
  let peak = 1e-6;
  for (const v of field) peak = Math.max(peak, Math.abs(v));
  const k = maxShift / peak;
  return clamp01(warp(image, shape, (x, y) => [x + k * field[(y * shape.width + x) * 2], y + k * field[(y * shape.width + x) * 2 + 1]]));
}

/** Shared pixel helpers for the corruption suite: pure functions over NHWC float images in [0, 1]. */

/** Height, width and channels (1 grey or 3 RGB) of one image. */
export interface ImageShape {
  height: number;
  width: number;
  channels: number;
}

/** Corruption strength, 1 (mild) … 5 (severe), as in CIFAR-10-C / MNIST-C. */
export type Severity = 1 | 2 | 3 | 4 | 5;
export const SEVERITIES: readonly Severity[] = [1, 2, 3, 4, 5];

/** Picks the parameter for a severity from a table of five. */
export function bySeverity<T>(table: readonly [T, T, T, T, T], severity: Severity): T {
  return table[severity - 1];
}

/** Converts a length given for a 28-pixel image to this image's size, so effects look alike at any resolution. */
export function scaled(shape: ImageShape, pixelsAt28: number): number {
  return (pixelsAt28 * Math.min(shape.height, shape.width)) / 28;
}

/** Clamps every value into [0, 1] in place and returns the array. */
export function clamp01(image: Float32Array): Float32Array {
  for (let i = 0; i < image.length; i++) image[i] = image[i] < 0 ? 0 : image[i] > 1 ? 1 : image[i];
  return image;
}

/** Bilinear sample of channel `c` at real coordinates (x, y); outside the image reads 0 (black), as MNIST-C does. */
export function sampleBilinear(image: Float32Array, shape: ImageShape, x: number, y: number, c: number): number {
  const { height, width, channels } = shape;
  const x0 = Math.floor(x);
  const y0 = Math.floor(y);
  if (x0 < -1 || y0 < -1 || x0 >= width || y0 >= height) return 0;
  const fx = x - x0;
  const fy = y - y0;
  // Inlined corner reads (no closure): this is the hot loop of every warp.
  const inX0 = x0 >= 0;
  const inX1 = x0 + 1 < width;
  let top = 0;
  let bottom = 0;
  if (y0 >= 0) {
    const row = y0 * width;
    top = (inX0 ? image[(row + x0) * channels + c] * (1 - fx) : 0) + (inX1 ? image[(row + x0 + 1) * channels + c] * fx : 0);
  }
  if (y0 + 1 < height) {
    const row = (y0 + 1) * width;
    bottom = (inX0 ? image[(row + x0) * channels + c] * (1 - fx) : 0) + (inX1 ? image[(row + x0 + 1) * channels + c] * fx : 0);
  }
  return top * (1 - fy) + bottom * fy;
}

/** Inverse-mapping warp: output pixel (x, y) reads the input at `source(x, y)` = [sx, sy] (bilinear, zero outside). */
export function warp(image: Float32Array, shape: ImageShape, source: (x: number, y: number) => readonly [number, number]): Float32Array {
  const { height, width, channels } = shape;
  const out = new Float32Array(image.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const [sx, sy] = source(x, y);
      for (let c = 0; c < channels; c++) out[(y * width + x) * channels + c] = sampleBilinear(image, shape, sx, sy, c);
    }
  }
  return out;
}

/** Affine warp about the image centre: output (x, y) reads input at centre + M·((x, y) − centre), M = [[a, b], [c, d]] row-major. */
export function affineAboutCentre(image: Float32Array, shape: ImageShape, m: readonly [number, number, number, number]): Float32Array {
  const cx = (shape.width - 1) / 2;
  const cy = (shape.height - 1) / 2;
  return warp(image, shape, (x, y) => [cx + m[0] * (x - cx) + m[1] * (y - cy), cy + m[2] * (x - cx) + m[3] * (y - cy)]);
}

/** Convolves each channel with a square odd-sized `kernel` (size k×k, row-major), replicating edge pixels. */
export function convolve(image: Float32Array, shape: ImageShape, kernel: Float32Array, k: number): Float32Array {
  const { height, width, channels } = shape;
  const r = (k - 1) / 2;
  const out = new Float32Array(image.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < channels; c++) {
        let sum = 0;
        for (let ky = 0; ky < k; ky++) {
          const yy = Math.min(height - 1, Math.max(0, y + ky - r));
          for (let kx = 0; kx < k; kx++) {
            const w = kernel[ky * k + kx];
            if (w === 0) continue;
            const xx = Math.min(width - 1, Math.max(0, x + kx - r));
            sum += w * image[(yy * width + xx) * channels + c];
          }
        }
        out[(y * width + x) * channels + c] = sum;
      }
    }
  }
  return out;
}

/** Separable Gaussian blur with standard deviation `sigma` pixels (edge pixels replicated). */
export function gaussianBlur(image: Float32Array, shape: ImageShape, sigma: number): Float32Array {
  if (sigma <= 0) return image.slice();
  const r = Math.max(1, Math.ceil(3 * sigma));
  const weights = new Float32Array(2 * r + 1);
  let total = 0;
  for (let i = -r; i <= r; i++) total += weights[i + r] = Math.exp(-(i * i) / (2 * sigma * sigma));
  for (let i = 0; i < weights.length; i++) weights[i] /= total;
  const pass = (src: Float32Array, dx: number, dy: number): Float32Array => {
    const { height, width, channels } = shape;
    const out = new Float32Array(src.length);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        for (let c = 0; c < channels; c++) {
          let sum = 0;
          for (let i = -r; i <= r; i++) {
            const xx = Math.min(width - 1, Math.max(0, x + i * dx));
            const yy = Math.min(height - 1, Math.max(0, y + i * dy));
            sum += weights[i + r] * src[(yy * width + xx) * channels + c];
          }
          out[(y * width + x) * channels + c] = sum;
        }
      }
    }
    return out;
  };
  return pass(pass(image, 1, 0), 0, 1);
}

/** Per-pixel blend out = (1 − t)·a + t·b for a scalar t in [0, 1]. */
export function mix(a: Float32Array, b: Float32Array, t: number): Float32Array {
  const out = new Float32Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = (1 - t) * a[i] + t * b[i];
  return out;
}

/** Smooth random field of size height×width in [0, 1]: sum of bilinear-upsampled random grids at octaves (a cheap plasma). */
export function smoothNoise(height: number, width: number, rng: { next(): number }, octaves = 4, decay = 0.5): Float32Array {
  const field = new Float32Array(height * width);
  let amplitude = 1;
  let total = 0;
  for (let o = 0; o < octaves; o++) {
    const cells = 2 ** (o + 1);
    const grid = Float32Array.from({ length: (cells + 1) * (cells + 1) }, () => rng.next());
    const gshape: ImageShape = { height: cells + 1, width: cells + 1, channels: 1 };
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        field[y * width + x] += amplitude * sampleBilinear(grid, gshape, (x / Math.max(1, width - 1)) * cells, (y / Math.max(1, height - 1)) * cells, 0);
      }
    }
    total += amplitude;
    amplitude *= decay;
  }
  for (let i = 0; i < field.length; i++) field[i] /= total;
  return field;
}

/** Sets pixel (x, y) of every channel to max(current, value): draws a bright mark without darkening anything. */
export function plotMax(image: Float32Array, shape: ImageShape, x: number, y: number, value: number): void {
  const xi = Math.round(x);
  const yi = Math.round(y);
  if (xi < 0 || yi < 0 || xi >= shape.width || yi >= shape.height) return;
  for (let c = 0; c < shape.channels; c++) {
    const i = (yi * shape.width + xi) * shape.channels + c;
    if (image[i] < value) image[i] = value;
  }
}

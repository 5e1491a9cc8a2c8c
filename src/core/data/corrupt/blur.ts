/** Blur corruptions (CIFAR-10-C "blur" family). Each: (image, shape, severity, rng) → new image in [0, 1]. */
import type { Rng } from '../../random';
import { affineAboutCentre, bySeverity, clamp01, convolve, gaussianBlur, sampleBilinear, scaled, type ImageShape, type Severity } from './image-ops';

/** Defocus: convolution with an anti-aliased disk of radius 0.8 … 2.7 px (at 28 px). */
export function defocusBlur(image: Float32Array, shape: ImageShape, severity: Severity): Float32Array {
  const radius = scaled(shape, bySeverity([0.8, 1.2, 1.6, 2.1, 2.7], severity));
  const r = Math.ceil(radius);
  const k = 2 * r + 1;
  const kernel = new Float32Array(k * k);
  const sub = 8;
  let total = 0;
  // Weight = covered fraction of each kernel cell (supersampled), so the blur grows smoothly with the radius.
  for (let ky = 0; ky < k; ky++) {
    for (let kx = 0; kx < k; kx++) {
      let inside = 0;
      for (let sy = 0; sy < sub; sy++) {
        for (let sx = 0; sx < sub; sx++) {
          const dx = kx - r + (sx + 0.5) / sub - 0.5;
          const dy = ky - r + (sy + 0.5) / sub - 0.5;
          if (dx * dx + dy * dy <= radius * radius) inside++;
        }
      }
      total += kernel[ky * k + kx] = inside;
    }
  }
  for (let i = 0; i < kernel.length; i++) kernel[i] /= total;
  return clamp01(convolve(image, shape, kernel, k));
}

/** Glass: Gaussian blur, then pixels swapped with random neighbours within δ px for some iterations, then blurred again. */
export function glassBlur(image: Float32Array, shape: ImageShape, severity: Severity, rng: Rng): Float32Array {
  const [sigma, delta, iterations] = bySeverity(
    [
      [0.4, 1, 1],
      [0.5, 1, 2],
      [0.6, 1, 3],
      [0.7, 2, 2],
      [0.9, 2, 3],
    ],
    severity,
  );
  const { height, width, channels } = shape;
  const d = Math.max(1, Math.round(scaled(shape, delta)));
  const out = gaussianBlur(image, shape, scaled(shape, sigma));
  for (let it = 0; it < iterations; it++) {
    for (let y = height - 1 - d; y >= d; y--) {
      for (let x = width - 1 - d; x >= d; x--) {
        const ny = y + rng.int(2 * d + 1) - d;
        const nx = x + rng.int(2 * d + 1) - d;
        for (let c = 0; c < channels; c++) {
          const a = (y * width + x) * channels + c;
          const b = (ny * width + nx) * channels + c;
          const t = out[a];
          out[a] = out[b];
          out[b] = t;
        }
      }
    }
  }
  return clamp01(gaussianBlur(out, shape, scaled(shape, sigma)));
}

/** Motion: each pixel averages the image along a straight streak of 2 … 9 px (at 28 px) in one random direction. */
export function motionBlur(image: Float32Array, shape: ImageShape, severity: Severity, rng: Rng): Float32Array {
  const length = scaled(shape, bySeverity([2, 3.5, 5, 7, 9], severity));
  const angle = rng.next() * 2 * Math.PI;
  const steps = Math.ceil(length) * 2 + 1;
  const offsets = Array.from({ length: steps }, (_, s) => ((s / (steps - 1)) * length));
  const [dx, dy] = [Math.cos(angle), Math.sin(angle)];
  const { height, width, channels } = shape;
  const out = new Float32Array(image.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < channels; c++) {
        let sum = 0;
        for (const t of offsets) sum += sampleBilinear(image, shape, x + t * dx, y + t * dy, c);
        out[(y * width + x) * channels + c] = sum / steps;
      }
    }
  }
  return clamp01(out);
}

/** Zoom: the mean of the image and copies zoomed in about the centre by factors up to 1.06 … 1.30. */
export function zoomBlur(image: Float32Array, shape: ImageShape, severity: Severity): Float32Array {
  const [maxZoom, step] = bySeverity(
    [
      [1.06, 0.01],
      [1.11, 0.01],
      [1.16, 0.02],
      [1.22, 0.02],
      [1.3, 0.03],
    ],
    severity,
  );
  const out = image.slice();
  let copies = 1;
  for (let z = 1 + step; z <= maxZoom + 1e-9; z += step, copies++) {
    const zoomed = affineAboutCentre(image, shape, [1 / z, 0, 0, 1 / z]);
    for (let i = 0; i < out.length; i++) out[i] += zoomed[i];
  }
  for (let i = 0; i < out.length; i++) out[i] /= copies;
  return clamp01(out);
}

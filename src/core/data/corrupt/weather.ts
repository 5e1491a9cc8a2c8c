/** Weather and photometric corruptions (CIFAR-10-C "weather"/"digital" families). Each: (image, shape, severity, rng) → new image in [0, 1]. */
import type { Rng } from '../../random';
import { bySeverity, clamp01, smoothNoise, type ImageShape, type Severity } from './image-ops';

/** Fog: a smooth random haze of strength 0.25 … 0.85 added, then renormalised: x' = (x + s·haze)·max/(max + s). */
export function fog(image: Float32Array, shape: ImageShape, severity: Severity, rng: Rng): Float32Array {
  const strength = bySeverity([0.25, 0.4, 0.55, 0.7, 0.85], severity);
  const haze = smoothNoise(shape.height, shape.width, rng, 4, 0.6);
  let max = 0;
  for (let i = 0; i < image.length; i++) max = Math.max(max, image[i]);
  const scale = max / (max + strength) || 1 / (1 + strength);
  const out = new Float32Array(image.length);
  for (let i = 0; i < image.length; i++) out[i] = (image[i] + strength * haze[Math.floor(i / shape.channels)]) * scale;
  return clamp01(out);
}

/** Brightness: +0.1 … +0.5 added to every value, clipped at 1. */
export function brightness(image: Float32Array, _shape: ImageShape, severity: Severity): Float32Array {
  const delta = bySeverity([0.1, 0.2, 0.3, 0.4, 0.5], severity);
  return clamp01(image.map((v) => v + delta));
}

/** Contrast: values pulled towards the image mean, keeping a factor 0.6 … 0.1 of the deviation. */
export function contrast(image: Float32Array, _shape: ImageShape, severity: Severity): Float32Array {
  const keep = bySeverity([0.6, 0.45, 0.3, 0.2, 0.1], severity);
  let mean = 0;
  for (let i = 0; i < image.length; i++) mean += image[i];
  mean /= image.length || 1;
  return clamp01(image.map((v) => mean + (v - mean) * keep));
}

/** Spatter: mud-coloured splashes covering about 6 % … 33 % of the image (same splash field, growing with severity). */
export function spatter(image: Float32Array, shape: ImageShape, severity: Severity, rng: Rng): Float32Array {
  const coverage = bySeverity([0.06, 0.12, 0.18, 0.25, 0.33], severity);
  const field = smoothNoise(shape.height, shape.width, rng, 4, 0.85);
  const sorted = Float32Array.from(field).sort();
  const threshold = sorted[Math.floor((1 - coverage) * (sorted.length - 1))];
  const mud = shape.channels === 3 ? [0.45, 0.35, 0.25] : [0.5];
  const out = new Float32Array(image.length);
  for (let p = 0; p < field.length; p++) {
    // Soft edge, and the mask only grows as the threshold falls, so severities nest.
    const m = 0.9 * Math.min(1, Math.max(0, (field[p] - threshold) / 0.03 + 0.5));
    for (let c = 0; c < shape.channels; c++) {
      const i = p * shape.channels + c;
      out[i] = image[i] * (1 - m) + mud[c] * m;
    }
  }
  return clamp01(out);
}

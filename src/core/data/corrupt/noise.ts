/** Noise corruptions (CIFAR-10-C "noise" family). Each: (image, shape, severity, rng) → new image in [0, 1]. */
import type { Rng } from '../../random';
import { bySeverity, clamp01, type ImageShape, type Severity } from './image-ops';

/** Additive Gaussian noise, σ = 0.08 … 0.38 (pixels in [0, 1]). */
export function gaussianNoise(image: Float32Array, _shape: ImageShape, severity: Severity, rng: Rng): Float32Array {
  const sigma = bySeverity([0.08, 0.12, 0.18, 0.26, 0.38], severity);
  const out = new Float32Array(image.length);
  for (let i = 0; i < image.length; i++) out[i] = image[i] + sigma * rng.normal();
  return clamp01(out);
}

/** Poisson (shot) noise: x' = Poisson(x·λ) / λ plus a faint photon floor, λ = 60 … 3 photons at full brightness. */
export function shotNoise(image: Float32Array, _shape: ImageShape, severity: Severity, rng: Rng): Float32Array {
  const photons = bySeverity([60, 25, 12, 5, 3], severity);
  // A dark-current floor so black backgrounds (MNIST) also get speckles, as a real sensor would.
  const floor = 0.04;
  const out = new Float32Array(image.length);
  for (let i = 0; i < image.length; i++) out[i] = poisson((image[i] + floor) * photons, rng) / photons - floor;
  return clamp01(out);
}

/** Salt-and-pepper noise: a fraction 0.03 … 0.27 of values set to 0 or 1 (per value, so RGB gets coloured specks). */
export function impulseNoise(image: Float32Array, _shape: ImageShape, severity: Severity, rng: Rng): Float32Array {
  const amount = bySeverity([0.03, 0.06, 0.09, 0.17, 0.27], severity);
  const out = image.slice();
  for (let i = 0; i < out.length; i++) {
    const u = rng.next();
    // Drawn for every value so the random stream (and thus the hit pixels) nest across severities.
    const salt = rng.next() < 0.5 ? 0 : 1;
    if (u < amount) out[i] = salt;
  }
  return out;
}

/** Multiplicative speckle noise: x' = x + x·N(0, σ), σ = 0.15 … 0.6. */
export function speckleNoise(image: Float32Array, _shape: ImageShape, severity: Severity, rng: Rng): Float32Array {
  const sigma = bySeverity([0.15, 0.25, 0.35, 0.45, 0.6], severity);
  const out = new Float32Array(image.length);
  for (let i = 0; i < image.length; i++) out[i] = image[i] + image[i] * sigma * rng.normal();
  return clamp01(out);
}

/** Poisson sample: Knuth's product method for small means, a rounded normal approximation above 30. */
function poisson(mean: number, rng: Rng): number {
  if (mean > 30) return Math.max(0, Math.round(mean + Math.sqrt(mean) * rng.normal()));
  const limit = Math.exp(-mean);
  let k = 0;
  let p = rng.next();
  while (p > limit) {
    k++;
    p *= rng.next();
  }
  return k;
}

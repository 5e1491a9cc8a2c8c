/** Geometric corruptions (MNIST-C style affine changes), bilinear with black fill. Each: (image, shape, severity, rng) → new image in [0, 1]. */
import type { Rng } from '../../random';
import { affineAboutCentre, bySeverity, clamp01, scaled, warp, type ImageShape, type Severity } from './image-ops';

const sign = (rng: Rng): number => (rng.next() < 0.5 ? -1 : 1);

/** Rotate about the centre by 8° … 40°, direction random per image. */
export function rotate(image: Float32Array, shape: ImageShape, severity: Severity, rng: Rng): Float32Array {
  const theta = (sign(rng) * bySeverity([8, 15, 22, 30, 40], severity) * Math.PI) / 180;
  const [c, s] = [Math.cos(theta), Math.sin(theta)];
  return clamp01(affineAboutCentre(image, shape, [c, s, -s, c]));
}

/** Shear about the centre by a factor 0.15 … 0.6, horizontal or vertical and its sign random per image. */
export function shear(image: Float32Array, shape: ImageShape, severity: Severity, rng: Rng): Float32Array {
  const k = sign(rng) * bySeverity([0.15, 0.25, 0.35, 0.45, 0.6], severity);
  const isHorizontal = rng.next() < 0.5;
  return clamp01(affineAboutCentre(image, shape, isHorizontal ? [1, k, 0, 1] : [1, 0, k, 1]));
}

/**
 * Scale up about the centre by 1.12 … 1.85 (the edges are cropped). Enlarging, unlike shrinking, keeps the change
 * growing with severity: a shrunken digit stops overlapping the original and then only loses mass.
 */
export function scale(image: Float32Array, shape: ImageShape, severity: Severity): Float32Array {
  const factor = bySeverity([1.12, 1.25, 1.4, 1.6, 1.85], severity);
  return clamp01(affineAboutCentre(image, shape, [1 / factor, 0, 0, 1 / factor]));
}

/** Translate by 2 … 6.5 px (at 28 px) in a random direction. */
export function translate(image: Float32Array, shape: ImageShape, severity: Severity, rng: Rng): Float32Array {
  const distance = scaled(shape, bySeverity([2, 3, 4, 5, 6.5], severity));
  const angle = rng.next() * 2 * Math.PI;
  const [dx, dy] = [distance * Math.cos(angle), distance * Math.sin(angle)];
  return clamp01(warp(image, shape, (x, y) => [x - dx, y - dy]));
}

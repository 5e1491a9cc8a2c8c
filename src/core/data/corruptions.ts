/**
 * The corruption suite: 23 corruption types in the spirit of CIFAR-10-C (Hendrycks & Dietterich 2019) and
 * MNIST-C (Mu & Gilmer 2019), each with severities 1–5, deterministic for a seed, for grey or RGB images of any size.
 * Parameters are our own, tuned for 28×28 digits and scaled to the image size; they are not the papers' exact values.
 */
import { LabError } from '../errors';
import { createRng, type Rng } from '../random';
import { imageSize, type Dataset } from './dataset';
import { cannyEdges, dottedLine, stripe, zigzag } from './corrupt/overlays';
import { defocusBlur, glassBlur, motionBlur, zoomBlur } from './corrupt/blur';
import { elasticTransform, jpegCompression, pixelate } from './corrupt/digital';
import { rotate, scale, shear, translate } from './corrupt/geometric';
import { gaussianNoise, impulseNoise, shotNoise, speckleNoise } from './corrupt/noise';
import { brightness, contrast, fog, spatter } from './corrupt/weather';
import { SEVERITIES, type ImageShape, type Severity } from './corrupt/image-ops';

export { SEVERITIES, type ImageShape, type Severity };

/** Corruption names in a fixed order (stored in model cards and reports: append, never reorder). */
export const CORRUPTION_NAMES = [
  'gaussian_noise',
  'shot_noise',
  'impulse_noise',
  'speckle_noise',
  'defocus_blur',
  'glass_blur',
  'motion_blur',
  'zoom_blur',
  'fog',
  'brightness',
  'contrast',
  'spatter',
  'pixelate',
  'jpeg_compression',
  'elastic_transform',
  'rotate',
  'shear',
  'scale',
  'translate',
  'stripe',
  'zigzag',
  'dotted_line',
  'canny_edges',
] as const;
export type CorruptionName = (typeof CORRUPTION_NAMES)[number];

/** A corruption: image (H·W·C floats in [0, 1]) → a new image of the same shape in [0, 1]; randomness only from `rng`. */
export type CorruptionFn = (image: Float32Array, shape: ImageShape, severity: Severity, rng: Rng) => Float32Array;

/** Every corruption by name. */
export const CORRUPTIONS: Record<CorruptionName, CorruptionFn> = {
  gaussian_noise: gaussianNoise,
  shot_noise: shotNoise,
  impulse_noise: impulseNoise,
  speckle_noise: speckleNoise,
  defocus_blur: defocusBlur,
  glass_blur: glassBlur,
  motion_blur: motionBlur,
  zoom_blur: zoomBlur,
  fog,
  brightness,
  contrast,
  spatter,
  pixelate,
  jpeg_compression: jpegCompression,
  elastic_transform: elasticTransform,
  rotate,
  shear,
  scale,
  translate,
  stripe,
  zigzag,
  dotted_line: dottedLine,
  canny_edges: cannyEdges,
};

export type CorruptionFamily = 'noise' | 'blur' | 'weather' | 'digital' | 'geometric' | 'overlay';

/** The family of each corruption, for grouping in the UI and reports. */
export const CORRUPTION_FAMILY: Record<CorruptionName, CorruptionFamily> = {
  gaussian_noise: 'noise',
  shot_noise: 'noise',
  impulse_noise: 'noise',
  speckle_noise: 'noise',
  defocus_blur: 'blur',
  glass_blur: 'blur',
  motion_blur: 'blur',
  zoom_blur: 'blur',
  fog: 'weather',
  brightness: 'weather',
  contrast: 'weather',
  spatter: 'weather',
  pixelate: 'digital',
  jpeg_compression: 'digital',
  elastic_transform: 'digital',
  rotate: 'geometric',
  shear: 'geometric',
  scale: 'geometric',
  translate: 'geometric',
  stripe: 'overlay',
  zigzag: 'overlay',
  dotted_line: 'overlay',
  canny_edges: 'overlay',
};

/** Validates a user-chosen corruption name. */
export function parseCorruptionName(value: string, field = 'corruption'): CorruptionName {
  if ((CORRUPTION_NAMES as readonly string[]).includes(value)) return value as CorruptionName;
  throw new LabError(`Unknown corruption "${value}".`, { field, fix: `Use one of: ${CORRUPTION_NAMES.join(', ')}.`, code: 'unknown_corruption', params: { value, names: CORRUPTION_NAMES.join(', ') } });
}

/** Validates a user-chosen severity (an integer 1–5). */
export function parseSeverity(value: number, field = 'severity'): Severity {
  if ((SEVERITIES as readonly number[]).includes(value)) return value as Severity;
  throw new LabError(`Severity must be an integer from 1 to 5, got ${value}.`, { field, fix: 'Pick a severity between 1 (mild) and 5 (severe).' });
}

/** The RNG for image `index` of a corrupted dataset: depends on seed, corruption and index, never on the severity (so severities nest). */
export function corruptionRng(seed: number, name: CorruptionName, index: number): Rng {
  const h = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(CORRUPTION_NAMES.indexOf(name) + 1, 0xc2b2ae35) ^ Math.imul(index + 1, 0x27d4eb2f);
  return createRng((h ^ (h >>> 16)) >>> 0);
}

/** Corrupts one image (H·W·C floats in [0, 1]); same arguments → identical bytes. */
export function corruptImage(image: Float32Array, shape: ImageShape, name: CorruptionName, severity: Severity, seed: number, index = 0): Float32Array {
  return CORRUPTIONS[name](image, shape, severity, corruptionRng(seed, name, index));
}

/** A corrupted copy of `ds` (same labels and shape), named '<name>+<corruption>-<severity>'; deterministic for a seed. */
export function corruptDataset(ds: Dataset, name: CorruptionName, severity: Severity, seed: number): Dataset {
  const size = imageSize(ds);
  const shape: ImageShape = { height: ds.height, width: ds.width, channels: ds.channels };
  const images = new Float32Array(ds.images.length);
  for (let n = 0; n < ds.count; n++) images.set(corruptImage(ds.images.subarray(n * size, (n + 1) * size), shape, name, severity, seed, n), n * size);
  return {
    ...ds,
    name: `${ds.name}+${name}-${severity}`,
    images,
    labels: ds.labels.slice(),
    provenance: `${ds.provenance}; corrupted with ${name} at severity ${severity} (seed ${seed})`,
  };
}

/** One cell of the corruption preview grid. */
export interface CorruptionGridCell {
  name: CorruptionName;
  severity: Severity;
  image: Float32Array;
}

/** Every corruption at every severity applied to one image (rows: CORRUPTION_NAMES order, columns: severity 1–5), for the Data step's preview grid. */
export function corruptionGrid(image: Float32Array, shape: ImageShape, seed: number): CorruptionGridCell[] {
  return CORRUPTION_NAMES.flatMap((name) => SEVERITIES.map((severity) => ({ name, severity, image: corruptImage(image, shape, name, severity, seed) })));
}

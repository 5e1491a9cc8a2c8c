import { imageSize, subset, type Dataset } from '../data/dataset';
import { CORRUPTION_NAMES, corruptDataset, type CorruptionName, type Severity } from '../data/corruptions';
import { yieldToEventLoop } from '../progress';
import { correctnessOf, type GuardSet } from './selective-train';
import type { LogitsFn } from './train';

/**
 * The robustness guard's images (our addition, README "Our additions"): the validation images
 * under every other corruption of the suite, on which a kept candidate must not clearly lose
 * more than HARM_FLAG (selection.ts). Fine-tuning on one drift can break others — on fashion-cnn
 * repairing zigzag cost brightness up to 12 points — and the clean rule cannot see that.
 */

/** Floats the guard's images may take in all (64 MB): larger images get fewer per corruption. */
export const GUARD_FLOATS = 16 * 1024 * 1024;

/** Images per corruption: every validation image, or as many as GUARD_FLOATS allows. */
export function guardImagesPerCorruption(validationCount: number, corruptions: number, pixels: number): number {
  if (corruptions === 0) return 0;
  return Math.min(validationCount, Math.floor(GUARD_FLOATS / (corruptions * pixels)));
}

/** The suite's corruptions the guard checks: all but the targeted one. */
export function guardCorruptions(target: CorruptionName | 'none' | null): CorruptionName[] {
  return CORRUPTION_NAMES.filter((name) => name !== target);
}

/**
 * Builds the guard's sets from the clean validation images (corrupted at `severity`, with a seed
 * of their own) and where the original model (`forward`, images → logits) is right on each.
 */
export async function buildGuardSets(clean: Dataset, validation: readonly number[], target: CorruptionName | 'none' | null, severity: Severity, seed: number, forward: LogitsFn): Promise<GuardSet[]> {
  const names = guardCorruptions(target);
  const count = guardImagesPerCorruption(validation.length, names.length, imageSize(clean));
  if (count < 2) return [];
  const base = subset(clean, validation.slice(0, count), 'guard base');
  const sets: GuardSet[] = [];
  for (const label of names) {
    const ds = corruptDataset(base, label, severity, seed + 2);
    const images = { inputs: ds.images, labels: ds.labels, shape: [ds.count, ds.height, ds.width, ds.channels] as [number, number, number, number] };
    sets.push({ label, images, originalCorrect: await correctnessOf(forward, images) });
    await yieldToEventLoop();
  }
  return sets;
}

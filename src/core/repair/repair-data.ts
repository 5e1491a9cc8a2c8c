import { LabError } from '../errors';
import { createRng, shuffled, type Rng } from '../random';

/**
 * How the test (working) set is used by one repair, by index (pure, seeded). The held-out part
 * is never seen by localization, search, fine-tuning or selection: before/after accuracies are
 * measured on it. The validation part is never trained on: model selection reads it.
 */
export interface TestSplit {
  /** Indices the repair may learn from (failures are collected here). */
  repairPool: number[];
  /** Indices whose clean and drifted images choose among candidate models. */
  validation: number[];
  /** Indices kept for the before/after evaluation. */
  heldOut: number[];
}

/** One training example of a repair: an image of the working set (clean or drifted) or of the clean training set. */
export interface RepairExample {
  index: number;
  source: 'clean' | 'corrupted' | 'train';
  label: number;
  isFailure: boolean;
}

/** D_repair = failures ∪ clean training images, split in two halves that both hold failures (DESIGN §4). */
export interface RepairSplits {
  weights: RepairExample[];
  alpha: RepairExample[];
}

export interface RepairDataConfig {
  seed: number;
  /** Clean training images per failure in D_repair. */
  cleanPerFailure: number;
}

/** Splits the working set into repair pool, validation and held-out parts (seeded). */
export function splitTestSet(count: number, heldOutFraction: number, validationFraction: number, seed: number): TestSplit {
  if (!(heldOutFraction > 0 && heldOutFraction < 1)) {
    throw new LabError(`heldOutFraction must be between 0 and 1, got ${heldOutFraction}.`, { field: 'heldOutFraction', fix: 'Use e.g. 0.5.' });
  }
  if (!(validationFraction > 0 && heldOutFraction + validationFraction < 1)) {
    throw new LabError(`validationFraction must be above 0 and leave room for the repair pool, got ${validationFraction} with heldOutFraction ${heldOutFraction}.`, { field: 'validationFraction', fix: 'Use e.g. 0.2 with heldOutFraction 0.5.' });
  }
  const order = shuffled(Array.from({ length: count }, (_, i) => i), createRng(seed ^ 0x5eed));
  const heldCut = Math.round(count * (1 - heldOutFraction));
  const validationCut = Math.round(count * (1 - heldOutFraction - validationFraction));
  const sorted = (xs: number[]) => xs.sort((a, b) => a - b);
  return { repairPool: sorted(order.slice(0, validationCut)), validation: sorted(order.slice(validationCut, heldCut)), heldOut: sorted(order.slice(heldCut)) };
}

/**
 * A class-balanced sample of `size` indices from `candidates` (round-robin over classes in a
 * seeded order, so rare classes are not crowded out).
 */
export function classBalancedSample(candidates: readonly number[], labels: ArrayLike<number>, size: number, rng: Rng): number[] {
  const byClass = new Map<number, number[]>();
  for (const i of shuffled(candidates, rng)) {
    const list = byClass.get(labels[i]) ?? [];
    list.push(i);
    byClass.set(labels[i], list);
  }
  const queues = [...byClass.keys()].sort((a, b) => a - b).map((c) => byClass.get(c)!);
  const out: number[] = [];
  for (let round = 0; out.length < size && queues.some((q) => round < q.length); round++) {
    for (const q of queues) if (round < q.length && out.length < size) out.push(q[round]);
  }
  return out;
}

/**
 * Builds D_repair = failures ∪ a class-balanced sample of clean images and splits it into S_w
 * and S_α. `failures` index drifted working-set images; `cleanCandidates` index images of the
 * clean source (`cleanSource`: the training set, or the working set's repair pool without one).
 */
export function buildRepairSplits(
  failures: readonly number[],
  cleanCandidates: readonly number[],
  failureLabels: ArrayLike<number>,
  cleanLabels: ArrayLike<number>,
  cleanSource: 'clean' | 'train',
  config: RepairDataConfig,
): RepairSplits {
  if (failures.length < 2) {
    throw new LabError(`Only ${failures.length} failing example(s) found: a repair needs at least 2.`, { field: 'failures', fix: 'Pick a corruption or severity the model fails on more often.' });
  }
  const rng = createRng(config.seed);
  const failing = shuffled(failures, rng).map((index): RepairExample => ({ index, source: 'corrupted', label: failureLabels[index], isFailure: true }));
  const cleanSize = Math.min(cleanCandidates.length, Math.round(failures.length * config.cleanPerFailure));
  const clean = classBalancedSample(cleanCandidates, cleanLabels, cleanSize, rng).map((index): RepairExample => ({ index, source: cleanSource, label: cleanLabels[index], isFailure: false }));
  const halve = <T>(xs: T[]): [T[], T[]] => [xs.filter((_, i) => i % 2 === 0), xs.filter((_, i) => i % 2 === 1)];
  const [wFail, aFail] = halve(failing);
  const [wClean, aClean] = halve(clean);
  return { weights: shuffled([...wFail, ...wClean], rng), alpha: shuffled([...aFail, ...aClean], rng) };
}

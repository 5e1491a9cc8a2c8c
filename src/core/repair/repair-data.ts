import { LabError } from '../errors';
import { createRng, shuffled, type Rng } from '../random';

/**
 * How the test set is used by one repair, by index (pure, seeded). The held-out half is never
 * seen by localization, search or fine-tuning: before/after accuracies are measured on it.
 */
export interface TestSplit {
  /** Indices the repair may learn from (failures are collected here). */
  repairPool: number[];
  /** Indices kept for the before/after evaluation. */
  heldOut: number[];
}

/** One training example of a repair: an image of the test set, clean or corrupted. */
export interface RepairExample {
  index: number;
  source: 'clean' | 'corrupted';
  label: number;
  isFailure: boolean;
}

/** D_repair split as in DESIGN §4: S_w and S_α both hold failures; validation is held out. */
export interface RepairSplits {
  weights: RepairExample[];
  alpha: RepairExample[];
  /** Held-out clean examples (model selection, accValidation). */
  validation: RepairExample[];
  /** Held-out failing examples (how well the repair generalises to unseen failures). */
  validationFailures: RepairExample[];
}

export interface RepairDataConfig {
  seed: number;
  /** Clean examples per failure in D_repair (the paper mixes failures into clean training data). */
  cleanPerFailure: number;
  /** Fraction of the clean sample and of the failures held out for validation. */
  validationFraction: number;
}

export const DEFAULT_REPAIR_DATA: RepairDataConfig = { seed: 0, cleanPerFailure: 2, validationFraction: 0.2 };

/** Splits the test set into a repair pool and a held-out evaluation part (seeded). */
export function splitTestSet(count: number, heldOutFraction: number, seed: number): TestSplit {
  if (!(heldOutFraction > 0 && heldOutFraction < 1)) {
    throw new LabError(`heldOutFraction must be between 0 and 1, got ${heldOutFraction}.`, { field: 'heldOutFraction', fix: 'Use e.g. 0.5.' });
  }
  const order = shuffled(Array.from({ length: count }, (_, i) => i), createRng(seed ^ 0x5eed));
  const cut = Math.round(count * (1 - heldOutFraction));
  return { repairPool: order.slice(0, cut).sort((a, b) => a - b), heldOut: order.slice(cut).sort((a, b) => a - b) };
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
 * Builds D_repair = failures ∪ a class-balanced clean sample and splits it into S_w, S_α and
 * the held-out validation parts. `failures` are indices of misclassified corrupted images;
 * `cleanCandidates` are repair-pool indices whose clean images may be used.
 */
export function buildRepairSplits(failures: readonly number[], cleanCandidates: readonly number[], labels: ArrayLike<number>, config: RepairDataConfig = DEFAULT_REPAIR_DATA): RepairSplits {
  if (failures.length < 2) {
    throw new LabError(`Only ${failures.length} failing example(s) found: a repair needs at least 2.`, { field: 'failures', fix: 'Pick a corruption or severity the model fails on more often.' });
  }
  const rng = createRng(config.seed);
  const failing = shuffled(failures, rng).map((index): RepairExample => ({ index, source: 'corrupted', label: labels[index], isFailure: true }));
  const cleanSize = Math.min(cleanCandidates.length, Math.round(failures.length * config.cleanPerFailure));
  const clean = classBalancedSample(cleanCandidates, labels, cleanSize, rng).map((index): RepairExample => ({ index, source: 'clean', label: labels[index], isFailure: false }));
  const heldFailures = Math.max(1, Math.floor(failing.length * config.validationFraction));
  const heldClean = Math.floor(clean.length * config.validationFraction);
  const trainFailures = failing.slice(heldFailures);
  const trainClean = clean.slice(heldClean);
  const halve = <T>(xs: T[]): [T[], T[]] => [xs.filter((_, i) => i % 2 === 0), xs.filter((_, i) => i % 2 === 1)];
  const [wFail, aFail] = halve(trainFailures);
  const [wClean, aClean] = halve(trainClean);
  return {
    weights: shuffled([...wFail, ...wClean], rng),
    alpha: shuffled([...aFail, ...aClean], rng),
    validation: clean.slice(0, heldClean),
    validationFailures: failing.slice(0, heldFailures),
  };
}

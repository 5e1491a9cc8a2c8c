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
 * The clean half of D_repair: the clean versions of every repair-pool image first (for a
 * synthetic drift they pair each failure with its undrifted image), then a class-balanced
 * sample of the clean training set up to `cleanPerFailure` × failures in all.
 */
export function chooseCleanExamples(pool: readonly number[], poolLabels: ArrayLike<number>, train: { count: number; labels: ArrayLike<number> } | null, failures: number, config: RepairDataConfig): RepairExample[] {
  const wanted = Math.round(failures * config.cleanPerFailure);
  const fromPool = pool.slice(0, wanted).map((index): RepairExample => ({ index, source: 'clean', label: poolLabels[index], isFailure: false }));
  if (!train || fromPool.length >= wanted) return fromPool;
  const sample = classBalancedSample(Array.from({ length: train.count }, (_, i) => i), train.labels, wanted - fromPool.length, createRng(config.seed ^ 0xc1ea));
  return [...fromPool, ...sample.map((index): RepairExample => ({ index, source: 'train', label: train.labels[index], isFailure: false }))];
}

/**
 * Builds D_repair = failures ∪ clean examples and splits it into S_w and S_α, each holding
 * half of both. `failures` index drifted working-set images.
 */
export function buildRepairSplits(failures: readonly number[], failureLabels: ArrayLike<number>, clean: readonly RepairExample[], seed: number): RepairSplits {
  if (failures.length < 2) {
    throw new LabError(`Only ${failures.length} failing example(s) found: a repair needs at least 2.`, { field: 'failures', fix: 'Pick a corruption or severity the model fails on more often.' });
  }
  const rng = createRng(seed);
  const failing = shuffled(failures, rng).map((index): RepairExample => ({ index, source: 'corrupted', label: failureLabels[index], isFailure: true }));
  const halve = <T>(xs: T[]): [T[], T[]] => [xs.filter((_, i) => i % 2 === 0), xs.filter((_, i) => i % 2 === 1)];
  const [wFail, aFail] = halve(failing);
  const [wClean, aClean] = halve(shuffled(clean, rng));
  return { weights: shuffled([...wFail, ...wClean], rng), alpha: shuffled([...aFail, ...aClean], rng) };
}

import { createRng } from '../random';
import type { BlockScore, LocalizerMethod } from '../types';

/** How the two normalised terms become one score: Ŝ·Ĝ (DESIGN §3 default) or λŜ + (1−λ)Ĝ. */
export type Combination = 'product' | 'weighted';

/** The raw per-block terms, index k = block k: S_k (forward) and G_k (backward). */
export interface BlockTerms {
  forward: number[];
  backward: number[];
}

/** What the combined score and the random baseline need besides the terms. */
export interface CombineSettings {
  combination: Combination;
  /** Weight of the forward term in the weighted sum, in [0, 1]. */
  lambda: number;
  /** Seed of the random baseline. */
  seed: number;
}

/**
 * Divides by the largest value so the top block gets 1 and the ratios between blocks are
 * kept. We do not use min-max scaling: it sends the weakest block of each term to 0, and a
 * product would then erase everything the other term says about that block. All-zero (or
 * empty) input gives all zeros.
 */
export function normalizeByMax(values: readonly number[]): number[] {
  const max = values.reduce((m, v) => Math.max(m, v), 0);
  return values.map((v) => (max > 0 ? v / max : 0));
}

/** The score each method ranks by, per block (higher = more vulnerable). */
export function methodScores(terms: BlockTerms, method: LocalizerMethod, settings: CombineSettings): number[] {
  const s = normalizeByMax(terms.forward);
  const g = normalizeByMax(terms.backward);
  switch (method) {
    case 'combined':
      return settings.combination === 'product' ? s.map((v, k) => v * g[k]) : s.map((v, k) => settings.lambda * v + (1 - settings.lambda) * g[k]);
    case 'gradient':
      return terms.backward.slice();
    case 'activation':
      return terms.forward.slice();
    case 'random': {
      const rng = createRng(settings.seed);
      return terms.forward.map(() => rng.next());
    }
  }
}

/**
 * The full ranking for one method: every term of every block, sorted by `combined`
 * (descending; ties go to the earlier block), rank 1 = the block to repair.
 */
export function rankBlocks(terms: BlockTerms, method: LocalizerMethod, settings: CombineSettings): BlockScore[] {
  if (terms.forward.length !== terms.backward.length) throw new Error('rankBlocks: forward and backward terms differ in length');
  const s = normalizeByMax(terms.forward);
  const g = normalizeByMax(terms.backward);
  const combined = methodScores(terms, method, settings);
  const scores = combined.map((c, k) => ({ blockIndex: k, forward: terms.forward[k], backward: terms.backward[k], forwardNormalized: s[k], backwardNormalized: g[k], combined: c, rank: 0 }));
  scores.sort((a, b) => b.combined - a.combined || a.blockIndex - b.blockIndex);
  scores.forEach((score, i) => (score.rank = i + 1));
  return scores;
}

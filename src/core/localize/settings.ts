import { LabError } from '../errors';
import type { LocalizerMethod, SuspiciousnessFormula } from '../types';
import type { Combination } from './combine';
import { FORMULA_NAMES } from './formulas';

/**
 * Which definition of the two terms a run uses.
 * - 'rgn': τ = the channel's median over the passing runs in every block (as 'contrastive'), and
 *   G_k = the failing runs' mean block-level relative gradient norm ‖∇W_k L‖₂ / ‖W_k‖₂, all of
 *   block k's weights as one vector: Auto-RGN (Lee et al., "Surgical Fine-Tuning Improves
 *   Adaptation to Distribution Shifts", ICLR 2023, arXiv 2210.11466; per layer block there too)
 *   on the failing runs alone; no passing-run backward pass;
 * - 'contrastive': τ = the channel's median over the passing runs in every block, and
 *   G_k = failing-run relative gradient norm divided by the passing-run one (see relative-gradient.ts);
 * - 'legacy': our first reconstruction, τ = 0 after ReLU and G_k = mean over failing runs of ‖∇W_k L‖₁ / |W_k|.
 */
export type LocalizerScoring = 'rgn' | 'contrastive' | 'legacy';

/** Every knob of one localization run, validated once at the entry (validateLocalizeSettings). */
export interface LocalizeSettings {
  scoring: LocalizerScoring;
  method: LocalizerMethod;
  formula: SuspiciousnessFormula;
  /** FGSM step on [0, 1] pixels, in [0, 1]; 0 skips the adversarial step. */
  epsilon: number;
  combination: Combination;
  /** Forward-term weight of the weighted sum, in [0, 1]. */
  lambda: number;
  /** Seeds the random baseline. */
  seed: number;
  /** Examples per forward / FGSM batch, 1..1024. */
  batchSize: number;
  /** Examples per backward pass of the gradient term, 1..1024 (1 = exact per-example mean). */
  gradientGroupSize: number;
}

/** The localizer and its baselines, in display order. */
export const LOCALIZER_METHODS: readonly LocalizerMethod[] = ['combined', 'gradient', 'activation', 'random'];
/** The term definitions, in display order (the default is DEFAULT_LOCALIZE_SETTINGS.scoring). */
export const LOCALIZER_SCORINGS: readonly LocalizerScoring[] = ['rgn', 'contrastive', 'legacy'];
/** Ways to combine Ŝ and Ĝ. */
export const COMBINATIONS: readonly Combination[] = ['product', 'weighted'];

/**
 * Defaults: Auto-RGN backward term with the passing-median τ, Ochiai, FGSM ε = 0.1, product of
 * max-normalised terms, exact per-example gradients. 'rgn' is the default because its combined
 * ranking had the best mean RQ3 figure of the three scorings (Spearman ρ with the held-out gain of
 * fine-tuning each block alone) on the three demo models, one seed each, and it skips the
 * passing-run backward pass; that is the whole evidence, and a weak one (README, "The method").
 */
export const DEFAULT_LOCALIZE_SETTINGS: LocalizeSettings = {
  scoring: 'rgn',
  method: 'combined',
  formula: 'ochiai',
  epsilon: 0.1,
  combination: 'product',
  lambda: 0.5,
  seed: 1,
  batchSize: 64,
  gradientGroupSize: 1,
};

function oneOf<T extends string>(field: string, value: T, allowed: readonly T[]): void {
  if (!allowed.includes(value)) throw new LabError(`Localization: ${field} must be one of ${allowed.join(', ')}, got "${value}".`, { field, fix: `Pick ${allowed.join(' or ')}.` });
}

function inRange(field: string, value: number, lo: number, hi: number, isInteger: boolean): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < lo || value > hi || (isInteger && !Number.isInteger(value))) {
    throw new LabError(`Localization: ${field} must be ${isInteger ? 'a whole number' : 'a number'} from ${lo} to ${hi}, got ${value}.`, { field, fix: `Set ${field} between ${lo} and ${hi}.` });
  }
}

/** Fills defaults and rejects out-of-range settings with a LabError naming the field. */
export function validateLocalizeSettings(partial: Partial<LocalizeSettings> = {}): LocalizeSettings {
  const s = { ...DEFAULT_LOCALIZE_SETTINGS, ...partial };
  oneOf('scoring', s.scoring, LOCALIZER_SCORINGS);
  oneOf('method', s.method, LOCALIZER_METHODS);
  oneOf('formula', s.formula, FORMULA_NAMES);
  oneOf('combination', s.combination, COMBINATIONS);
  inRange('epsilon', s.epsilon, 0, 1, false);
  inRange('lambda', s.lambda, 0, 1, false);
  inRange('seed', s.seed, 0, 2 ** 31 - 1, true);
  inRange('batchSize', s.batchSize, 1, 1024, true);
  inRange('gradientGroupSize', s.gradientGroupSize, 1, 1024, true);
  return s;
}

/** What each LocalizerScoring means for the forward threshold and the backward term. */
import { subset, type Dataset } from '../data/dataset';
import type { CancelToken } from '../progress';
import { backwardSpectrum } from './gradient';
import type { InstrumentedModel } from './instrumented';
import { contrastiveBackward, rgnBackward } from './relative-gradient';
import type { LocalizerScoring } from './settings';

/**
 * Per block: mean relative gradient norm ‖∇W_k L‖₂ / ‖W_k‖₂ over the failing and (contrastive
 * scoring only; 'rgn' never differentiates the passing runs) the passing runs.
 */
export interface RelativeGradientDetail {
  failing: number[];
  passing?: number[];
}

/** The backward term per block, and ('rgn' and 'contrastive' scoring) the relative norms behind it. */
export interface BackwardTerm {
  scores: number[];
  relativeGradient?: RelativeGradientDetail;
}

/** Per block: whether τ = 0 (legacy, blocks ending in ReLU) instead of the passing-run median. */
export function zeroThresholdBlocks(scoring: LocalizerScoring, nonNegativeOutputs: readonly boolean[]): boolean[] {
  return nonNegativeOutputs.map((isNonNegative) => scoring === 'legacy' && isNonNegative);
}

/** Runs the backward term needs under `scoring`: the failing ones only ('rgn', 'legacy'), or failing and passing ('contrastive'). */
export function backwardRunCount(scoring: LocalizerScoring, isFailing: readonly boolean[]): number {
  return scoring === 'contrastive' ? isFailing.length : isFailing.filter(Boolean).length;
}

/** G_k for every block of `model` over `runs` (originals and FGSM copies), split by `isFailing`. */
export async function backwardTerm(scoring: LocalizerScoring, model: InstrumentedModel, runs: Dataset, isFailing: readonly boolean[], groupSize: number, cancel?: CancelToken, report?: (done: number) => void): Promise<BackwardTerm> {
  const indicesWhere = (wanted: boolean) => isFailing.flatMap((f, n) => (f === wanted ? [n] : []));
  const failing = subset(runs, indicesWhere(true), `${runs.name}-failing`);
  if (scoring === 'legacy') return { scores: await backwardSpectrum(model, failing, groupSize, cancel, report) };
  if (scoring === 'rgn') {
    const result = await rgnBackward(model, failing, groupSize, cancel, report);
    return { scores: result.blockScores, relativeGradient: { failing: result.failingRelativeNorm } };
  }
  const passing = subset(runs, indicesWhere(false), `${runs.name}-passing`);
  const result = await contrastiveBackward(model, failing, passing, groupSize, cancel, report);
  return { scores: result.blockScores, relativeGradient: { failing: result.failingRelativeNorm, passing: result.passingRelativeNorm } };
}

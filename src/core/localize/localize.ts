/**
 * Vulnerable block localization by adversarial-aware spectrum analysis (ArchRepair, Qi et al.,
 * TOSEM 2023). The paper's exact formula is not available to us: this module implements our
 * documented reconstruction of it (DESIGN §3, METHOD §1.3), namely
 *   1. FGSM copies of every example; each copy joins the failing or passing runs by whether the
 *      model still classifies it correctly (originals likewise, by the model's current answer);
 *   2. forward spectrum: per block output channel, activated = spatial mean > τ (the channel's
 *      median over the passing runs), hit-spectrum counts over failing/passing runs, Ochiai (or
 *      Tarantula, DStar); S_k = mean over channels;
 *   3. backward spectrum: G_k = the failing runs' mean relative gradient norm ‖∇W_k L‖₂ / ‖W_k‖₂,
 *      block k's weights as one vector (block-level Auto-RGN, Lee et al., arXiv 2210.11466;
 *      scoring 'rgn', the default), or a per-tensor failing/passing ratio of such norms
 *      ('contrastive'; relative-gradient.ts);
 *   4. V_k = Ŝ_k·Ĝ_k after dividing each term by its maximum over blocks (or a weighted sum);
 *   5. the full ranking with every term, and the baselines gradient-only, activation-only, random.
 * settings.scoring 'legacy' keeps our first version of steps 2–3 (scoring.ts).
 */
import { LabError } from '../errors';
import type { Dataset } from '../data/dataset';
import { phaseReporter, type CancelToken } from '../progress';
import type { BlockScore, LocalizerMethod, ProgressCallback, SuspiciousnessFormula } from '../types';
import { concatDatasets } from './batches';
import { rankBlocks, type BlockTerms } from './combine';
import { adversarialCopies } from './fgsm';
import type { InstrumentedModel } from './instrumented';
import { backwardRunCount, backwardTerm, zeroThresholdBlocks, type RelativeGradientDetail } from './scoring';
import { validateLocalizeSettings, type LocalizeSettings } from './settings';
import { forwardSpectrum, recordForward } from './spectrum';

/** How many runs fed the spectrum, split by origin and outcome. */
export interface LocalizationCounts {
  /** Original examples the model gets wrong / right. */
  failing: number;
  passing: number;
  /** FGSM copies the model gets wrong / right (0 when ε = 0). */
  adversarialFailing: number;
  adversarialPassing: number;
}

/** One localization run as plain data: the ranking, the raw terms, per-neuron detail, settings, counts and timings. */
export interface LocalizationResult {
  /** The ranking by `method`, rank 1 first, every term included. */
  scores: BlockScore[];
  method: LocalizerMethod;
  formula: SuspiciousnessFormula;
  settings: LocalizeSettings;
  /** Raw S_k and G_k by block index, so other methods can be ranked without rerunning. */
  terms: BlockTerms;
  /** Per block, per output channel: suspiciousness and the threshold τ used. */
  neuronScores: number[][];
  thresholds: number[][];
  /** 'rgn' and 'contrastive' scoring: the block-level relative gradient norms (passing: contrastive only). */
  relativeGradient?: RelativeGradientDetail;
  timingsMs: { fgsm: number; forward: number; backward: number; total: number };
  counts: LocalizationCounts;
}

/**
 * Ranks the blocks of `model` by vulnerability from `examples` (failing and passing examples
 * together, e.g. from failureExamples()); which ones fail is decided by the model itself.
 * Reports the phases 'FGSM copies', 'forward spectrum', 'backward spectrum'.
 */
export async function localize(model: InstrumentedModel, examples: Dataset, partial: Partial<LocalizeSettings> = {}, cancel?: CancelToken, onProgress?: ProgressCallback): Promise<LocalizationResult> {
  const settings = validateLocalizeSettings(partial);
  if (examples.count === 0) throw new LabError('There are no examples to localize with.', { field: 'examples', fix: 'Collect failing examples first (choose a dataset or corruption where the model makes mistakes).' });
  const clock = () => performance.now();
  const t0 = clock();

  let all = examples;
  if (settings.epsilon > 0) {
    const adversarial = await adversarialCopies(model, examples, settings.epsilon, settings.batchSize, cancel, phaseReporter('FGSM copies', examples.count, onProgress));
    all = concatDatasets([examples, adversarial], `${examples.name}+fgsm`);
  }
  const t1 = clock();

  const record = await recordForward(model, all, settings.batchSize, cancel, phaseReporter('forward spectrum', all.count, onProgress));
  const isFailing = Array.from(record.predictions, (p, n) => p !== all.labels[n]);
  const failingIndices = isFailing.flatMap((f, n) => (f ? [n] : []));
  if (failingIndices.length === 0) {
    throw new LabError('The model classifies every example (and every FGSM copy) correctly, so there is no failure to localize.', { field: 'examples', fix: 'Use a harder dataset or corruption, more examples, or a larger epsilon.' });
  }
  const spectrum = forwardSpectrum(record.activations, isFailing, zeroThresholdBlocks(settings.scoring, model.nonNegativeOutputs), settings.formula);
  const t2 = clock();

  const backwardReport = phaseReporter('backward spectrum', backwardRunCount(settings.scoring, isFailing), onProgress);
  const backward = await backwardTerm(settings.scoring, model, all, isFailing, settings.gradientGroupSize, cancel, backwardReport);
  const t3 = clock();

  const terms: BlockTerms = { forward: spectrum.blockScores, backward: backward.scores };
  const originalFailing = failingIndices.filter((n) => n < examples.count).length;
  const adversarialFailing = failingIndices.length - originalFailing;
  return {
    scores: rankBlocks(terms, settings.method, settings),
    method: settings.method,
    formula: settings.formula,
    settings,
    terms,
    neuronScores: spectrum.neuronScores,
    thresholds: spectrum.thresholds,
    ...(backward.relativeGradient ? { relativeGradient: backward.relativeGradient } : {}),
    timingsMs: { fgsm: t1 - t0, forward: t2 - t1, backward: t3 - t2, total: t3 - t0 },
    counts: {
      failing: originalFailing,
      passing: examples.count - originalFailing,
      adversarialFailing,
      adversarialPassing: all.count - examples.count - adversarialFailing,
    },
  };
}

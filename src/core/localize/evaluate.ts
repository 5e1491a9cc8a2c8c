/**
 * RQ3 in small ("which block would have been best?"): fine-tune each block alone for a fixed
 * budget on the repair split, measure the accuracy gain, and correlate every localizer's
 * scores with those gains (Spearman). The model's weights are restored after each block.
 */
import * as tf from '@tensorflow/tfjs';
import { LabError } from '../errors';
import { subset, type Dataset } from '../data/dataset';
import { phaseReporter, yieldToEventLoop, type CancelToken } from '../progress';
import { createRng, shuffled } from '../random';
import type { LocalizerMethod, ProgressCallback } from '../types';
import { batchTensors } from './batches';
import { methodScores, type BlockTerms, type CombineSettings } from './combine';
import { predictClasses } from './failures';
import type { InstrumentedModel } from './instrumented';
import { localize, type LocalizationResult } from './localize';
import { crossEntropySum } from './loss';
import { LOCALIZER_METHODS, LOCALIZER_SCORINGS, validateLocalizeSettings, type LocalizerScoring, type LocalizeSettings } from './settings';
import { spearman } from './spearman';

/** Budget of the per-block fine-tunes and the repair/held-out split. */
export interface EvaluateSettings {
  /** Adam steps per block, 1..1000. */
  steps: number;
  learningRate: number;
  /** Examples per fine-tune step, 1..1024. */
  batchSize: number;
  /** Share of the examples held out from localization and fine-tuning, in (0, 1). */
  heldOutFraction: number;
  seed: number;
  localize: Partial<LocalizeSettings>;
  /** Other scorings to localize with on the same repair split and correlate with the same gains. */
  compareScorings: LocalizerScoring[];
}

/** Defaults: 20 Adam steps at lr 0.01, batches of 32, half the examples held out, no other scoring. */
export const DEFAULT_EVALUATE_SETTINGS: EvaluateSettings = { steps: 20, learningRate: 0.01, batchSize: 32, heldOutFraction: 0.5, seed: 1, localize: {}, compareScorings: [] };

/** What a weight-only fine-tune of one block achieved; accuracies in [0, 1]. */
export interface BlockGain {
  blockIndex: number;
  /** Accuracy on the repair split's failing examples after the fine-tune (it was 0 before). */
  gainFailures: number;
  heldOutBefore: number;
  heldOutAfter: number;
  /** heldOutAfter − heldOutBefore. */
  gainHeldOut: number;
}

/** How well one localizer's scores predict the fine-tune gains. */
export interface LocalizerCorrelation {
  method: LocalizerMethod;
  /** The method's score per block index. */
  scores: number[];
  topBlock: number;
  /** Spearman's ρ between scores and gains; null when either is constant. */
  spearmanFailures: number | null;
  spearmanHeldOut: number | null;
}

/** Every localizer's correlation when the terms follow another scoring. */
export interface ScoringComparison {
  scoring: LocalizerScoring;
  terms: BlockTerms;
  correlations: LocalizerCorrelation[];
}

/** The RQ3-style result: gains per block, the best block, each localizer's correlation, and the localization used. */
export interface LocalizerEvaluation {
  gains: BlockGain[];
  /** Block with the largest held-out gain (ties: the failing-example gain, then the lower index). */
  bestBlock: number;
  correlations: LocalizerCorrelation[];
  localization: LocalizationResult;
  /** One entry per settings.compareScorings: the same correlations under that scoring. */
  scoringComparisons: ScoringComparison[];
  counts: { repair: number; repairFailing: number; heldOut: number };
  settings: EvaluateSettings;
}

function validate(partial: Partial<EvaluateSettings>): EvaluateSettings {
  const s = { ...DEFAULT_EVALUATE_SETTINGS, ...partial };
  const bad = (field: string, range: string) => new LabError(`Localizer evaluation: ${field} must be ${range}.`, { field, fix: `Set ${field} to ${range}.` });
  if (!Number.isInteger(s.steps) || s.steps < 1 || s.steps > 1000) throw bad('steps', 'a whole number from 1 to 1000');
  if (!Number.isInteger(s.batchSize) || s.batchSize < 1 || s.batchSize > 1024) throw bad('batchSize', 'a whole number from 1 to 1024');
  if (!(s.learningRate > 0 && s.learningRate <= 1)) throw bad('learningRate', 'a number in (0, 1]');
  if (!(s.heldOutFraction > 0 && s.heldOutFraction < 1)) throw bad('heldOutFraction', 'a number strictly between 0 and 1');
  validateLocalizeSettings(s.localize);
  if (!s.compareScorings.every((x) => LOCALIZER_SCORINGS.includes(x))) throw bad('compareScorings', `a list of ${LOCALIZER_SCORINGS.join(', ')}`);
  return s;
}

/** Each localizer's scores from `terms`, its top block and its Spearman ρ with the gains. */
function correlate(terms: BlockTerms, settings: CombineSettings, gains: readonly BlockGain[]): LocalizerCorrelation[] {
  return LOCALIZER_METHODS.map((method) => {
    const scores = methodScores(terms, method, settings);
    const topBlock = scores.reduce((best, v, k) => (v > scores[best] ? k : best), 0);
    return { method, scores, topBlock, spearmanFailures: spearman(scores, gains.map((g) => g.gainFailures)), spearmanHeldOut: spearman(scores, gains.map((g) => g.gainHeldOut)) };
  });
}

async function accuracy(model: InstrumentedModel, ds: Dataset, batchSize: number): Promise<number> {
  if (ds.count === 0) return 0;
  const predicted = await predictClasses(model, ds, batchSize);
  return predicted.reduce((n, p, i) => n + (p === ds.labels[i] ? 1 : 0), 0) / ds.count;
}

/** Adam on block k's weights only, in inference mode; returns after `steps` steps, weights changed. */
async function fineTuneBlock(model: InstrumentedModel, k: number, data: Dataset, settings: EvaluateSettings, cancel?: CancelToken): Promise<void> {
  const vars = model.blockWeights(k);
  if (vars.length === 0) return;
  const optimizer = tf.train.adam(settings.learningRate);
  const rng = createRng(settings.seed + k);
  let order: number[] = [];
  try {
    for (let step = 0; step < settings.steps; step++) {
      cancel?.throwIfCancelled('localizer evaluation');
      if (order.length < settings.batchSize) order = order.concat(shuffled(Array.from({ length: data.count }, (_, i) => i), rng));
      const batch = subset(data, order.splice(0, Math.min(settings.batchSize, data.count)));
      tf.tidy(() => {
        const { x, y } = batchTensors(batch, 0, batch.count);
        optimizer.minimize(() => tf.div(crossEntropySum(model.predict(x), y, model.outputKind), batch.count) as tf.Scalar, false, vars);
      });
      await yieldToEventLoop();
    }
  } finally {
    optimizer.dispose();
  }
}

/** Runs the RQ3-style evaluation on `examples` (failing and passing examples together). Phases: localize's, then 'fine-tune blocks'. */
export async function evaluateLocalizers(model: InstrumentedModel, examples: Dataset, partial: Partial<EvaluateSettings> = {}, cancel?: CancelToken, onProgress?: ProgressCallback): Promise<LocalizerEvaluation> {
  const settings = validate(partial);
  const order = shuffled(Array.from({ length: examples.count }, (_, i) => i), createRng(settings.seed));
  const heldOutCount = Math.round(examples.count * settings.heldOutFraction);
  const repair = subset(examples, order.slice(heldOutCount).sort((a, b) => a - b), `${examples.name}-repair`);
  const heldOut = subset(examples, order.slice(0, heldOutCount).sort((a, b) => a - b), `${examples.name}-heldout`);
  if (repair.count === 0 || heldOut.count === 0) throw new LabError('Too few examples to split into repair and held-out parts.', { field: 'examples', fix: 'Collect more failing examples.' });

  const localization = await localize(model, repair, settings.localize, cancel, onProgress);
  const others: { scoring: LocalizerScoring; terms: BlockTerms }[] = [];
  for (const scoring of settings.compareScorings) others.push({ scoring, terms: (await localize(model, repair, { ...settings.localize, scoring }, cancel)).terms });
  const batch = localization.settings.batchSize;
  const repairPredicted = await predictClasses(model, repair, batch, cancel);
  const repairFailing = subset(repair, Array.from(repairPredicted).flatMap((p, i) => (p !== repair.labels[i] ? [i] : [])));
  const heldOutBefore = await accuracy(model, heldOut, batch);

  const report = phaseReporter('fine-tune blocks', model.numBlocks, onProgress);
  const gains: BlockGain[] = [];
  for (let k = 0; k < model.numBlocks; k++) {
    const snapshot = model.blockWeights(k).map((v) => tf.clone(v));
    try {
      await fineTuneBlock(model, k, repair, settings, cancel);
      const gainFailures = await accuracy(model, repairFailing, batch);
      const heldOutAfter = await accuracy(model, heldOut, batch);
      gains.push({ blockIndex: k, gainFailures, heldOutBefore, heldOutAfter, gainHeldOut: heldOutAfter - heldOutBefore });
    } finally {
      model.blockWeights(k).forEach((v, i) => v.assign(snapshot[i]));
      tf.dispose(snapshot);
    }
    report(k + 1);
  }

  const byHeldOut = gains.slice().sort((a, b) => b.gainHeldOut - a.gainHeldOut || b.gainFailures - a.gainFailures || a.blockIndex - b.blockIndex);
  const s = localization.settings;
  const scoringComparisons = others.map(({ scoring, terms }) => ({ scoring, terms, correlations: correlate(terms, s, gains) }));
  return { gains, bestBlock: byHeldOut[0].blockIndex, correlations: correlate(localization.terms, s, gains), localization, scoringComparisons, counts: { repair: repair.count, repairFailing: repairFailing.count, heldOut: heldOut.count }, settings };
}

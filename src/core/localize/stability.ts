import { LabError } from '../errors';
import { subset, type Dataset } from '../data/dataset';
import { phaseReporter, type CancelToken } from '../progress';
import { createRng, shuffled } from '../random';
import type { ProgressCallback } from '../types';
import { predictClasses } from './failures';
import type { InstrumentedModel } from './instrumented';
import { localize } from './localize';
import { validateLocalizeSettings, type LocalizeSettings } from './settings';

/** Which failure counts to try and how many seeded subsamples each. */
export interface StabilitySettings {
  /** Failure counts to try besides "all", each ≥ 1; sizes above the available failures are skipped. */
  sizes: number[];
  /** Seeded subsamples per size, 1..20. */
  repeats: number;
  seed: number;
  localize: Partial<LocalizeSettings>;
}

/** Defaults: 10, 50 and 100 failures (plus all), 3 repeats each. */
export const DEFAULT_STABILITY_SETTINGS: StabilitySettings = { sizes: [10, 50, 100], repeats: 3, seed: 1, localize: {} };

/** How often the top block with `failures` failing examples matched the top block with all of them. */
export interface StabilityRow {
  failures: number;
  /** Top block of each repeat. */
  topBlocks: number[];
  /** Share of repeats whose top block equals the all-failures top block, in [0, 1]. */
  agreement: number;
}

/** One row per failure count, the last one being all failures. */
export interface StabilityReport {
  /** Failing examples available, and the top block when all of them are used. */
  allFailures: number;
  referenceTop: number;
  rows: StabilityRow[];
  settings: StabilitySettings;
}

function validate(partial: Partial<StabilitySettings>): StabilitySettings {
  const s = { ...DEFAULT_STABILITY_SETTINGS, ...partial };
  if (!s.sizes.every((n) => Number.isInteger(n) && n >= 1)) throw new LabError('Stability: every size must be a whole number ≥ 1.', { field: 'sizes', fix: 'Use sizes such as 10, 50, 100.' });
  if (!Number.isInteger(s.repeats) || s.repeats < 1 || s.repeats > 20) throw new LabError(`Stability: repeats must be a whole number from 1 to 20, got ${s.repeats}.`, { field: 'repeats', fix: 'Use 3 to 5 repeats.' });
  validateLocalizeSettings(s.localize);
  return s;
}

/**
 * Localizes with all failing examples of `examples`, then with seeded subsamples of n failing
 * plus n passing examples for each n in `sizes`, and reports how often the top block agrees.
 * Phase 'stability' counts localization runs.
 */
export async function localizationStability(model: InstrumentedModel, examples: Dataset, partial: Partial<StabilitySettings> = {}, cancel?: CancelToken, onProgress?: ProgressCallback): Promise<StabilityReport> {
  const settings = validate(partial);
  const predicted = await predictClasses(model, examples, validateLocalizeSettings(settings.localize).batchSize, cancel);
  const failing: number[] = [];
  const passing: number[] = [];
  predicted.forEach((p, n) => (p === examples.labels[n] ? passing : failing).push(n));
  if (failing.length === 0) throw new LabError('The model gets every example right, so there is nothing to localize.', { field: 'examples', fix: 'Use a dataset or corruption where the model fails.' });
  const sizes = settings.sizes.filter((n) => n < failing.length);
  const report = phaseReporter('stability', 1 + sizes.length * settings.repeats, onProgress);
  const top = async (ds: Dataset) => (await localize(model, ds, settings.localize, cancel)).scores[0].blockIndex;

  const referenceTop = await top(examples);
  let runs = 1;
  report(runs);
  const rng = createRng(settings.seed);
  const rows: StabilityRow[] = [];
  for (const n of sizes) {
    const topBlocks: number[] = [];
    for (let r = 0; r < settings.repeats; r++) {
      const chosen = [...shuffled(failing, rng).slice(0, n), ...shuffled(passing, rng).slice(0, n)].sort((a, b) => a - b);
      topBlocks.push(await top(subset(examples, chosen)));
      report(++runs);
    }
    rows.push({ failures: n, topBlocks, agreement: topBlocks.filter((b) => b === referenceTop).length / topBlocks.length });
  }
  rows.push({ failures: failing.length, topBlocks: [referenceTop], agreement: 1 });
  return { allFailures: failing.length, referenceTop, rows, settings };
}

import * as tf from '@tensorflow/tfjs';
import { LabError } from '../errors';
import { imageSize, subset, type Dataset } from '../data/dataset';
import { corruptDataset, type CorruptionName } from '../data/corruptions';
import { phaseReporter, type CancelToken } from '../progress';
import type { BlockGraph, EpochMetrics, Genotype, ProgressCallback } from '../types';
import { collectFailures, predictClasses, type FailureSet } from '../localize/failures';
import { instrumentLayersModel, type InstrumentedModel } from '../localize/instrumented';
import { localize, type LocalizationResult } from '../localize/localize';
import { adversarialCopies } from '../localize/fgsm';
import { splitModel, type SplitModel } from '../model/split';
import { createSearch, type Search, type SearchData, type Split } from '../search/bilevel';
import { resolveRepairConfig, type RepairConfig } from './config';
import { buildRepairSplits, chooseCleanExamples, splitTestSet, type RepairExample, type RepairSplits, type TestSplit } from './repair-data';
import { failureFlags, gatherExamples } from './examples';
import { cacheBlockInputs } from './block-cache';
import { accuracyOf, asLogits, type LogitsFn } from './train';
import { deriveRepairedModel, joinSplits, type DeriveData, type DerivedModel } from './derive-model';
import { scoreOriginal, type GuardSet } from './selective-train';
import { buildGuardSets } from './guard';
import type { CandidateScore } from './selection';
import type { DistillTargets } from '../search/batches';

/** Floats the clean validation (and, again, the held-out) images beyond the working set may each take (16 MB): larger images get fewer. */
export const EXTRA_TEST_FLOATS = 4 * 1024 * 1024;

/** Where a repair session stands; each phase needs the ones before it. */
export type RepairPhase = 'created' | 'failures' | 'localized' | 'searching' | 'derived';

/** Plain summary of the drift and the failures, for the Data step and reports. */
export interface FailureSummary {
  corruption: string;
  severity: number;
  workingSize: number;
  repairPoolSize: number;
  validationSize: number;
  heldOutSize: number;
  failures: FailureSet;
  /** Accuracy of the original model on the held-out corrupted images. */
  heldOutAccuracy: number;
}

/** Where D_repair's clean images come from. */
export type CleanSource = `${'repair pool (clean versions)' | "clean set's repair pool"}${' + training set' | ' (no training set given)'}`;

/** Everything the search, derive and baselines share once the search has started. */
interface PreparedRepair {
  split: SplitModel;
  search: Search;
  /** Cached block inputs. */
  data: SearchData;
  /** S_w ∪ S_α as cached block inputs (a fine-tune of scope 'block' trains on them). */
  blockTrain: Split;
  /** Full images of D_repair (S_w ∪ S_α, with distillation targets) and the validation images every method is chosen on. */
  images: DeriveData;
  /** The guard setting of the search start (RepairConfig.robustnessGuard). */
  robustnessGuard: boolean;
  /** The original model's validation accuracies (candidate epoch 0 of every method), once selectionData made them. */
  original: Promise<CandidateScore> | null;
}

/** The settings a lesson may change once failures are collected: they shape training, not the data. */
export type TrainingSettings = Pick<RepairConfig, 'search' | 'finetune' | 'cleanTolerance' | 'robustnessGuard'>;

/**
 * One repair of one model for one drift: collect failures → localize → search (epochs) →
 * derive + fine-tune. Evaluation, baselines and export work on its outputs. No DOM, no timers;
 * the same object runs in the worker and the CLI.
 */
export class RepairSession {
  private settings: RepairConfig;
  /** The clean working set: the first `workingSize` images of the test set. */
  readonly clean: Dataset;
  corrupted: Dataset;
  /** Clean training images for D_repair (null: the working set's repair pool is used). */
  readonly train: Dataset | null;
  /** How the clean working set is used (indices into `clean`). */
  readonly testSplit: TestSplit;
  /**
   * How the drifted images are used (indices into `corrupted`): the same as `testSplit` for a
   * corruption of the clean set (paired images), its own split for a user's own drift set.
   */
  readonly driftSplit: TestSplit;
  /** The user's own labelled drift set, when the drift is not a corruption of the clean set. */
  readonly driftSet: Dataset | null;
  failures: FailureSummary | null = null;
  localization: LocalizationResult | null = null;
  blockIndex: number | null = null;
  splits: RepairSplits | null = null;
  history: EpochMetrics[] = [];
  derived: DerivedModel | null = null;
  readonly instrumented: InstrumentedModel;
  private prepared: PreparedRepair | null = null;
  /** The whole clean test set: images after the working set enlarge the clean validation and held-out parts. */
  private readonly testSet: Dataset;
  private guardCache: Promise<GuardSet[]> | null = null;
  private heldOutCache: Dataset | null = null;

  get config(): RepairConfig {
    return this.settings;
  }

  /** New training settings (validated), used from the next search start on; failures, splits and the localization stay. */
  setTrainingSettings(training: Partial<TrainingSettings>): void {
    this.settings = resolveRepairConfig({ ...this.settings, ...training });
  }

  /**
   * `testSet` is the clean working set; `train` clean training images; `drift` the user's own
   * labelled drifted images (then `config.corruption` must be 'none': the drift is the set).
   */
  constructor(readonly model: tf.LayersModel, readonly graph: BlockGraph, testSet: Dataset, partial: Partial<RepairConfig> = {}, train: Dataset | null = null, drift: Dataset | null = null) {
    this.settings = resolveRepairConfig(partial);
    if (drift && this.config.corruption !== 'none') throw new LabError('A repair takes either a corruption of the clean set or a drift set of its own, not both.', { field: 'corruption', fix: "Set corruption to 'none' when you give a drift set." });
    const firstN = (ds: Dataset) => {
      const n = Math.min(this.config.workingSize, ds.count);
      return n === ds.count ? ds : subset(ds, Array.from({ length: n }, (_, i) => i));
    };
    this.clean = firstN(testSet);
    this.testSet = testSet;
    this.train = train;
    this.testSplit = splitTestSet(this.clean.count, this.config.heldOutFraction, this.config.validationFraction, this.config.seed);
    this.driftSet = drift ? firstN(drift) : null;
    this.corrupted = this.driftSet ?? this.clean;
    this.driftSplit = this.driftSet ? splitTestSet(this.driftSet.count, this.config.heldOutFraction, this.config.validationFraction, this.config.seed + 1) : this.testSplit;
    this.instrumented = instrumentLayersModel(model, graph);
  }

  /** The drift's name in reports and rows: the corruption, or the drift set's name. */
  get driftLabel(): string {
    return this.driftSet ? this.driftSet.name : this.config.corruption;
  }

  get phase(): RepairPhase {
    if (this.derived) return 'derived';
    if (this.prepared) return 'searching';
    if (this.localization && this.blockIndex !== null) return 'localized';
    return this.failures ? 'failures' : 'created';
  }

  get isProbabilities(): boolean {
    return this.instrumented.outputKind === 'probabilities';
  }

  get cleanSource(): CleanSource {
    const pool = this.driftSet ? "clean set's repair pool" : 'repair pool (clean versions)';
    return `${pool}${this.train ? ' + training set' : ' (no training set given)'}`;
  }

  /** Applies the drift and collects the model's failures on the repair pool. */
  async collectFailures(cancel?: CancelToken, onProgress?: ProgressCallback): Promise<FailureSummary> {
    const { corruption, severity, seed, failureCap } = this.config;
    if (corruption !== 'none') {
      phaseReporter(`applying ${corruption} (severity ${severity})`, 1, onProgress);
      this.corrupted = corruptDataset(this.clean, corruption as CorruptionName, severity, seed);
    }
    const pool = subset(this.corrupted, this.driftSplit.repairPool, `${this.corrupted.name}-repair-pool`);
    const failures = await collectFailures(this.instrumented, pool, { cap: failureCap, seed }, cancel, onProgress);
    const heldOut = subset(this.corrupted, this.driftSplit.heldOut);
    const predicted = await predictClasses(this.instrumented, heldOut, 256, cancel);
    this.failures = {
      corruption: this.driftLabel,
      severity,
      workingSize: this.clean.count,
      repairPoolSize: pool.count,
      validationSize: this.driftSplit.validation.length,
      heldOutSize: heldOut.count,
      failures,
      heldOutAccuracy: accuracyOf(predicted, heldOut.labels),
    };
    return this.failures;
  }

  /** Ranks the blocks by vulnerability from the failures and a matched passing sample. */
  async localize(cancel?: CancelToken, onProgress?: ProgressCallback): Promise<LocalizationResult> {
    const f = this.requireFailures();
    const pool = subset(this.corrupted, this.driftSplit.repairPool);
    const examples = subset(pool, [...f.failures.failingIndices, ...f.failures.passingIndices], 'localization examples');
    this.localization = await localize(this.instrumented, examples, { seed: this.config.seed, ...this.config.localize }, cancel, onProgress);
    this.blockIndex = this.suggestedBlock();
    return this.localization;
  }

  /** The best-ranked block that architecture search can replace (spatial in and out). */
  suggestedBlock(): number {
    const ranked = [...(this.localization?.scores ?? [])].sort((a, b) => a.rank - b.rank);
    const searchable = ranked.find((s) => isSearchable(this.graph, s.blockIndex));
    if (!searchable) throw new LabError('No block of this model can be searched: every block has a non-spatial input or output.', { field: 'block', fix: 'Architecture search repairs convolutional blocks; use a CNN.' });
    return searchable.blockIndex;
  }

  chooseBlock(index: number): void {
    if (!isSearchable(this.graph, index)) {
      const b = this.graph.blocks[index];
      throw new LabError(`Block ${index} (${b?.name ?? 'unknown'}) cannot be architecture-searched: its input and output must both be feature maps [H, W, C].`, { field: 'block', fix: 'Pick a convolutional or residual block.' });
    }
    this.disposeSearch();
    this.blockIndex = index;
  }

  /**
   * Builds D_repair (the failures plus clean training images, with the original model's
   * probabilities on the clean ones), the validation sets, caches the frozen prefix's outputs,
   * and creates the supernet, which starts as the original block (function-preserving).
   */
  async startSearch(cancel?: CancelToken, onProgress?: ProgressCallback): Promise<void> {
    const f = this.requireFailures();
    const blockIndex = this.requireBlock();
    this.disposeSearch();
    const driftPool = this.driftSplit.repairPool;
    const failures = f.failures.failingIndices.map((i) => driftPool[i]);
    const clean = chooseCleanExamples(this.testSplit.repairPool, this.clean.labels, this.train, failures.length, { seed: this.config.seed, cleanPerFailure: this.config.cleanPerFailure });
    this.splits = buildRepairSplits(failures, this.corrupted.labels, clean, this.config.seed);
    const split = splitModel(this.model, this.graph, blockIndex);
    const sources = { clean: this.clean, corrupted: this.corrupted, train: this.train };
    const report = phaseReporter('caching the frozen prefix', 5, onProgress);
    const teacherOf = (ds: Dataset, examples: readonly RepairExample[]) => distillTargets(this.model, ds, examples, this.isProbabilities);
    const cached = async (ds: Dataset, flags: Uint8Array | undefined, step: number, teacher?: DistillTargets): Promise<Split> => {
      const out = await cacheBlockInputs(split.prefix, ds, flags, 256, cancel);
      report(step);
      return teacher ? { ...out, teacher } : out;
    };
    const imagesOf = async (examples: readonly RepairExample[], name: string) => {
      const ds = gatherExamples(sources, examples, name);
      return { ds, flags: failureFlags(examples), teacher: await teacherOf(ds, examples) };
    };
    const w = await imagesOf(this.splits.weights, 'S_w');
    const a = await imagesOf(this.splits.alpha, 'S_alpha');
    const validationClean = subset(this.testSet, this.cleanValidationIndices(), 'validation (clean)');
    const workingValidationClean = subset(this.clean, this.testSplit.validation, 'validation (clean, working set)');
    const validationDrift = subset(this.corrupted, this.driftSplit.validation, 'validation (drifted)');
    const weights = await cached(w.ds, w.flags, 1, w.teacher);
    const alpha = await cached(a.ds, a.flags, 2, a.teacher);
    const validation = await cached(workingValidationClean, undefined, 3);
    const drift = await cached(validationDrift, undefined, 4);
    const adversarialDs = await adversarialCopies(this.instrumented, workingValidationClean, this.config.localize.epsilon ?? 0.1, 128, cancel);
    const adversarial = await cached(adversarialDs, undefined, 5);
    const blockTrain = joinSplits(weights, alpha);
    const data: SearchData = { weights, alpha, validation, adversarial, drift };
    const asSplit = (ds: Dataset, flags?: Uint8Array, teacher?: DistillTargets): Split => ({ inputs: ds.images, labels: ds.labels, shape: [ds.count, ds.height, ds.width, ds.channels], isFailure: flags, teacher });
    const trainImages = joinSplits(asSplit(w.ds, w.flags, w.teacher), asSplit(a.ds, a.flags, a.teacher));
    const images: DeriveData = {
      train: trainImages,
      validation: { clean: asSplit(validationClean), drift: asSplit(validationDrift) },
    };
    const block = this.graph.blocks[blockIndex];
    const isProbabilities = this.isProbabilities;
    const search = createSearch(
      {
        preset: this.config.search.preset,
        epochs: this.config.search.epochs,
        batchSize: this.config.search.batchSize,
        order: this.config.search.order,
        residual: false,
        alphaWarmupEpochs: this.config.search.alphaWarmupEpochs,
        alpha: { learningRate: this.config.search.alphaLearningRate },
        weights: { learningRate: this.config.search.weightLearningRate, learningRateMin: this.config.search.weightLearningRate / 25 },
        distillWeight: this.config.distillWeight,
        correctionPenalty: this.config.correctionPenalty,
        seed: this.config.seed,
        outputChannels: block.outputShape[2],
        stride: block.stride === 2 ? 2 : 1,
        outputRelu: this.instrumented.nonNegativeOutputs[blockIndex],
      },
      data,
      (blockOut) => asLogits(split.suffix(blockOut), isProbabilities),
      [],
      (x) => split.block(x),
    );
    this.prepared = {
      split,
      search,
      data,
      blockTrain,
      images,
      robustnessGuard: this.config.robustnessGuard,
      original: null,
    };
    this.history = [];
  }

  /**
   * What the selection compares against, made on first need (the first derive or baseline, not
   * the search start, so the first epoch comes sooner): the original model's validation score,
   * its per-image clean correctness (`originalCorrect`) and the robustness guard's sets, each put
   * into the shared validation data. The guard follows the setting of the search start.
   */
  async selectionData(onProgress?: ProgressCallback): Promise<{ images: DeriveData; original: CandidateScore }> {
    const p = this.requirePrepared();
    p.original ??= (async () => {
      const report = phaseReporter('scoring the original on the validation images', 2, onProgress);
      const originalForward = modelLogits(this.model, this.isProbabilities);
      const { score, originalCorrect } = await scoreOriginal(originalForward, p.images.validation);
      p.images.validation.originalCorrect = originalCorrect;
      report(1);
      const guard = p.robustnessGuard ? await this.guardSets(originalForward) : [];
      if (guard.length) p.images.validation.guard = guard;
      report(2);
      return score;
    })().catch((err: unknown) => {
      p.original = null;
      throw err;
    });
    return { images: p.images, original: await p.original };
  }

  /**
   * Indices into the test set of the clean images the selection reads: the working set's
   * validation part, then test images after the working set (which nothing else uses) up to
   * `cleanValidationSize` in all. The clean bound is the product rule, and on 900 images half a
   * point is four or five of them; the drifted validation stays the working set's own.
   */
  cleanValidationIndices(): number[] {
    return [...this.testSplit.validation, ...this.extraValidationIndices()];
  }

  /** The test images after the working set that top up the clean validation. */
  private extraValidationIndices(): number[] {
    return this.testImagesAfter(this.clean.count, this.config.cleanValidationSize - this.testSplit.validation.length);
  }

  /**
   * Indices into the test set of the held-out clean images (the before/after clean accuracy and
   * the held-out check): the working set's held-out part, then test images after the clean
   * validation's, up to `cleanHeldOutSize` in all. On the workshop budget's 1200 a repair's
   * clean change varies by about a third of a point from one draw of images to the next, as
   * much as the 0.5-point bound it is checked against.
   */
  cleanHeldOutIndices(): number[] {
    const start = this.clean.count + this.extraValidationIndices().length;
    return [...this.testSplit.heldOut, ...this.testImagesAfter(start, this.config.cleanHeldOutSize - this.testSplit.heldOut.length)];
  }

  /** The held-out clean images (cleanHeldOutIndices), copied once: evaluation and the Results view both read them. */
  cleanHeldOut(): Dataset {
    this.heldOutCache ??= subset(this.testSet, this.cleanHeldOutIndices(), 'held-out clean');
    return this.heldOutCache;
  }

  /** Up to `wanted` consecutive test-set indices from `start`, as far as the test set and EXTRA_TEST_FLOATS allow. */
  private testImagesAfter(start: number, wanted: number): number[] {
    const fits = Math.floor(EXTRA_TEST_FLOATS / imageSize(this.testSet));
    const count = Math.max(0, Math.min(this.testSet.count - start, wanted, fits));
    return Array.from({ length: count }, (_, i) => start + i);
  }

  /**
   * The robustness guard's sets, built once per session: they depend only on the validation
   * images, the drift and the original model, none of which a new search start changes.
   */
  private guardSets(originalForward: LogitsFn): Promise<GuardSet[]> {
    this.guardCache ??= buildGuardSets(this.clean, this.testSplit.validation, this.driftSet ? null : this.config.corruption, this.config.suiteSeverity, this.config.seed, originalForward).catch((err: unknown) => {
      this.guardCache = null;
      throw err;
    });
    return this.guardCache;
  }

  /** One epoch of alternating α / weight updates. */
  async searchEpoch(cancel?: CancelToken, onProgress?: ProgressCallback): Promise<EpochMetrics> {
    const metrics = await this.requirePrepared().search.step(cancel, onProgress);
    this.history.push(metrics);
    return metrics;
  }

  stepAlpha(): Promise<number> {
    return this.requirePrepared().search.stepAlpha();
  }

  stepWeights(): Promise<number> {
    return this.requirePrepared().search.stepWeights();
  }

  currentGenotype(): Promise<Genotype> {
    return this.requirePrepared().search.genotype();
  }

  /** The live search (checkpointing reads and restores its state). */
  get activeSearch(): Search | null {
    return this.prepared?.search ?? null;
  }

  /** Derives the discrete block from the search's genotype, fine-tunes it and applies the do-no-harm selection. */
  async derive(cancel?: CancelToken, onProgress?: ProgressCallback): Promise<DerivedModel> {
    const genotype = await this.requirePrepared().search.genotype();
    this.derived?.dispose();
    this.derived = null;
    this.derived = await this.deriveWith(genotype, cancel, onProgress);
    return this.derived;
  }

  /** Derive + fine-tune + selection for any genotype of this search space (the random-genotype control uses it too). */
  async deriveWith(genotype: Genotype, cancel?: CancelToken, onProgress?: ProgressCallback): Promise<DerivedModel> {
    const p = this.requirePrepared();
    const blockIndex = this.requireBlock();
    const { original } = await this.selectionData(onProgress);
    return deriveRepairedModel({
      model: this.model,
      graph: this.graph,
      blockIndex,
      genotype,
      outputRelu: this.instrumented.nonNegativeOutputs[blockIndex],
      inherit: { parts: p.search.cell.parts, ops: p.search.ops, alphaSoftmax: await p.search.alphaSoftmax() },
      blockTrain: p.blockTrain,
      images: p.images,
      isProbabilities: this.isProbabilities,
      original,
      suffix: (x) => asLogits(p.split.suffix(x), this.isProbabilities),
      prefix: (x) => p.split.prefix(x) as tf.Tensor4D,
      finetune: this.config.finetune,
      distillWeight: this.config.distillWeight,
      correctionPenalty: this.config.correctionPenalty,
      cleanTolerance: this.config.cleanTolerance,
      seed: this.config.seed,
      cancel,
      onProgress,
    });
  }

  /** Full images of D_repair every method trains on (null before the search starts); selectionData adds what they are chosen against. */
  get trainImages(): Split | null {
    return this.prepared?.images.train ?? null;
  }

  /** The cached block inputs of the current search. */
  get cachedData(): SearchData | null {
    return this.prepared?.data ?? null;
  }

  get splitModel(): SplitModel | null {
    return this.prepared?.split ?? null;
  }

  dispose(): void {
    this.disposeSearch();
  }

  private disposeSearch(): void {
    this.derived?.dispose();
    this.derived = null;
    this.prepared?.search.dispose();
    this.prepared?.split.dispose();
    this.prepared = null;
  }

  private requireFailures(): FailureSummary {
    if (!this.failures) throw new LabError('Collect the failing examples first.', { field: 'failures', fix: 'Run the Data step (collect failures).' });
    return this.failures;
  }

  private requireBlock(): number {
    if (this.blockIndex === null) throw new LabError('Choose a block to repair first.', { field: 'block', fix: 'Run localization or pick a block.' });
    return this.blockIndex;
  }

  private requirePrepared(): PreparedRepair {
    if (!this.prepared) throw new LabError('Start the search first.', { field: 'search', fix: 'Choose a block and start the search.' });
    return this.prepared;
  }
}

/** The whole model as a LogitsFn over images (inference mode). */
export function modelLogits(model: tf.LayersModel, isProbabilities: boolean): LogitsFn {
  return (x) => asLogits(model.apply(x, { training: false }) as tf.Tensor, isProbabilities);
}

/** The original model's class probabilities on the clean examples of `ds` (the distillation targets). */
async function distillTargets(model: tf.LayersModel, ds: Dataset, examples: readonly RepairExample[], isProbabilities: boolean): Promise<DistillTargets> {
  const classes = (model.outputs[0].shape.at(-1) ?? 1) as number;
  const probabilities = new Float32Array(ds.count * classes);
  const size = ds.height * ds.width * ds.channels;
  for (let start = 0; start < ds.count; start += 256) {
    const end = Math.min(ds.count, start + 256);
    const p = tf.tidy(() => {
      const out = model.apply(tf.tensor4d(ds.images.subarray(start * size, end * size), [end - start, ds.height, ds.width, ds.channels]), { training: false }) as tf.Tensor;
      return isProbabilities ? out : tf.softmax(out);
    });
    probabilities.set(await p.data(), start * classes);
    p.dispose();
  }
  return { probabilities, classes, mask: Uint8Array.from(examples, (e) => (e.isFailure ? 0 : 1)) };
}

/** The rows of `split` where `keep` holds (no labels of distillation kept). */
function rowsWhere(split: Split, keep: (i: number) => boolean): Split {
  const [n, h, w, c] = split.shape;
  const rows = Array.from({ length: n }, (_, i) => i).filter(keep);
  const row = h * w * c;
  const inputs = new Float32Array(rows.length * row);
  rows.forEach((r, i) => inputs.set(split.inputs.subarray(r * row, (r + 1) * row), i * row));
  return { inputs, labels: Int32Array.from(rows, (r) => split.labels[r]), shape: [rows.length, h, w, c] };
}

/** True when block `index` maps a feature map to a feature map (what a cell can replace). */
export function isSearchable(graph: BlockGraph, index: number): boolean {
  const b = graph.blocks[index];
  if (!b || b.kind === 'head' || b.unsearchableReason || b.inputShape.length !== 3 || b.outputShape.length !== 3) return false;
  if (b.stride !== 1 && b.stride !== 2) return false;
  // The cell pads 'same': its output is ⌈H/s⌉ × ⌈W/s⌉, so the block must keep that contract.
  return b.outputShape[0] === Math.ceil(b.inputShape[0] / b.stride) && b.outputShape[1] === Math.ceil(b.inputShape[1] / b.stride);
}

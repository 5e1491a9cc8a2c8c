import * as tf from '@tensorflow/tfjs';
import { LabError } from '../errors';
import { subset, type Dataset } from '../data/dataset';
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
import { buildRepairSplits, splitTestSet, type RepairSplits, type TestSplit } from './repair-data';
import { failureFlags, gatherExamples } from './examples';
import { cacheBlockInputs } from './block-cache';
import { asLogits } from './train';
import { deriveRepairedModel, type DerivedModel } from './derive-model';

/** Where a repair session stands; each phase needs the ones before it. */
export type RepairPhase = 'created' | 'failures' | 'localized' | 'searching' | 'derived';

/** Plain summary of the drift and the failures, for the Data step and reports. */
export interface FailureSummary {
  corruption: string;
  severity: number;
  workingSize: number;
  repairPoolSize: number;
  heldOutSize: number;
  failures: FailureSet;
  /** Accuracy of the original model on the held-out corrupted images. */
  heldOutAccuracy: number;
}

/**
 * One repair of one model for one drift: collect failures → localize → search (epochs) →
 * derive + fine-tune. Evaluation, baselines and export work on its outputs. No DOM, no timers;
 * the same object runs in the worker and the CLI.
 */
export class RepairSession {
  readonly config: RepairConfig;
  phase: RepairPhase = 'created';
  readonly clean: Dataset;
  corrupted: Dataset;
  readonly testSplit: TestSplit;
  failures: FailureSummary | null = null;
  localization: LocalizationResult | null = null;
  blockIndex: number | null = null;
  splits: RepairSplits | null = null;
  history: EpochMetrics[] = [];
  derived: DerivedModel | null = null;
  readonly instrumented: InstrumentedModel;
  private search: Search | null = null;
  private split: SplitModel | null = null;
  private searchData: SearchData | null = null;
  private distillInputs: Split | null = null;
  private heldOutInputs: Split | null = null;

  constructor(readonly model: tf.LayersModel, readonly graph: BlockGraph, testSet: Dataset, partial: Partial<RepairConfig> = {}) {
    this.config = resolveRepairConfig(partial);
    const n = Math.min(this.config.workingSize, testSet.count);
    this.clean = n === testSet.count ? testSet : subset(testSet, Array.from({ length: n }, (_, i) => i));
    this.corrupted = this.clean;
    this.testSplit = splitTestSet(n, this.config.heldOutFraction, this.config.seed);
    this.instrumented = instrumentLayersModel(model, graph);
  }

  get isProbabilities(): boolean {
    return this.instrumented.outputKind === 'probabilities';
  }

  /** Applies the drift and collects the model's failures on the repair pool. */
  async collectFailures(cancel?: CancelToken, onProgress?: ProgressCallback): Promise<FailureSummary> {
    const { corruption, severity, seed, failureCap } = this.config;
    if (corruption !== 'none') {
      phaseReporter(`applying ${corruption} (severity ${severity})`, 1, onProgress);
      this.corrupted = corruptDataset(this.clean, corruption as CorruptionName, severity, seed);
    }
    const pool = subset(this.corrupted, this.testSplit.repairPool, `${this.corrupted.name}-repair-pool`);
    const failures = await collectFailures(this.instrumented, pool, { cap: failureCap, seed }, cancel, onProgress);
    const heldOut = subset(this.corrupted, this.testSplit.heldOut);
    const predicted = await predictClasses(this.instrumented, heldOut, 256, cancel);
    let correct = 0;
    predicted.forEach((p, i) => (correct += p === heldOut.labels[i] ? 1 : 0));
    this.failures = {
      corruption,
      severity,
      workingSize: this.clean.count,
      repairPoolSize: pool.count,
      heldOutSize: heldOut.count,
      failures,
      heldOutAccuracy: heldOut.count ? correct / heldOut.count : 0,
    };
    this.phase = 'failures';
    return this.failures;
  }

  /** Ranks the blocks by vulnerability from the failures and a matched passing sample. */
  async localize(cancel?: CancelToken, onProgress?: ProgressCallback): Promise<LocalizationResult> {
    const f = this.requireFailures();
    const pool = subset(this.corrupted, this.testSplit.repairPool);
    const examples = subset(pool, [...f.failures.failingIndices, ...f.failures.passingIndices], 'localization examples');
    this.localization = await localize(this.instrumented, examples, { seed: this.config.seed, ...this.config.localize }, cancel, onProgress);
    this.blockIndex = this.suggestedBlock();
    this.phase = 'localized';
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
    this.phase = 'localized';
  }

  /** Builds D_repair, caches the frozen prefix's outputs, and creates the supernet search. */
  async startSearch(cancel?: CancelToken, onProgress?: ProgressCallback): Promise<void> {
    const f = this.requireFailures();
    if (this.blockIndex === null) throw new LabError('Choose a block to repair first.', { field: 'block', fix: 'Run localization or pick a block.' });
    this.disposeSearch();
    const pool = this.testSplit.repairPool;
    const failures = f.failures.failingIndices.map((i) => pool[i]);
    const failing = new Set(failures);
    const cleanCandidates = pool.filter((i) => !failing.has(i));
    this.splits = buildRepairSplits(failures, cleanCandidates, this.clean.labels, { seed: this.config.seed, cleanPerFailure: this.config.cleanPerFailure, validationFraction: 0.2 });
    this.split = splitModel(this.model, this.graph, this.blockIndex);
    const prefix = this.split.prefix;
    const parts = [this.splits.weights, this.splits.alpha, this.splits.validation] as const;
    const total = parts.reduce((s, p) => s + p.length, 0) * 2;
    const report = phaseReporter('caching the frozen prefix', total, onProgress);
    let done = 0;
    const cache = async (examples: typeof parts[number], name: string) => {
      const ds = gatherExamples(this.clean, this.corrupted, examples, name);
      const start = done;
      const out = await cacheBlockInputs(prefix, ds, failureFlags(examples), 256, cancel, (k) => report((done = start + k)));
      return out;
    };
    const weights = await cache(this.splits.weights, 'S_w');
    const alpha = await cache(this.splits.alpha, 'S_alpha');
    const validationDs = gatherExamples(this.clean, this.corrupted, this.splits.validation, 'validation');
    const validation = await cache(this.splits.validation, 'validation');
    const adversarialDs = await adversarialCopies(this.instrumented, validationDs, this.config.localize.epsilon ?? 0.1, 128, cancel);
    const adversarial = await cacheBlockInputs(prefix, adversarialDs, undefined, 256, cancel, (k) => report(done + k));
    this.searchData = { weights, alpha, validation, adversarial };
    const used = new Set([...this.splits.validation, ...this.splits.validationFailures].map((e) => e.index));
    const distillExamples = cleanCandidates.filter((i) => !used.has(i)).slice(0, this.config.distillSize).map((index) => ({ index, source: 'clean' as const, label: this.clean.labels[index], isFailure: false }));
    const heldOutExamples = [...this.splits.validation, ...this.splits.validationFailures];
    this.heldOutInputs = await cacheBlockInputs(prefix, gatherExamples(this.clean, this.corrupted, heldOutExamples, 'held-out validation'), failureFlags(heldOutExamples), 256, cancel);
    this.distillInputs = await cacheBlockInputs(prefix, gatherExamples(this.clean, this.corrupted, distillExamples, 'distill'), undefined, 256, cancel);
    const block = this.graph.blocks[this.blockIndex];
    const isProbabilities = this.isProbabilities;
    const split = this.split;
    this.search = createSearch(
      {
        ...this.config.search,
        alpha: this.config.search.alphaLearningRate ? { learningRate: this.config.search.alphaLearningRate } : undefined,
        seed: this.config.seed,
        outputChannels: block.outputShape[2],
        stride: block.stride === 2 ? 2 : 1,
        outputRelu: this.instrumented.nonNegativeOutputs[this.blockIndex],
      },
      this.searchData,
      (blockOut) => asLogits(split.suffix(blockOut), isProbabilities),
    );
    this.history = [];
    if (this.config.warmupEpochs > 0 && this.distillInputs) {
      await this.search.warmup(this.distillInputs, (x) => split.block(x), this.config.warmupEpochs, cancel, onProgress);
    }
    this.phase = 'searching';
  }

  /** One epoch of alternating α / weight updates. */
  async searchEpoch(cancel?: CancelToken, onProgress?: ProgressCallback): Promise<EpochMetrics> {
    const metrics = await this.requireSearch().step(cancel, onProgress);
    this.history.push(metrics);
    return metrics;
  }

  stepAlpha(): Promise<number> {
    return this.requireSearch().stepAlpha();
  }

  stepWeights(): Promise<number> {
    return this.requireSearch().stepWeights();
  }

  currentGenotype(): Promise<Genotype> {
    return this.requireSearch().genotype();
  }

  /** The live search (checkpointing reads and restores its state). */
  get activeSearch(): Search | null {
    return this.search;
  }

  /** Derives the discrete block, fine-tunes it on D_repair and splices it into a new model. */
  async derive(cancel?: CancelToken, onProgress?: ProgressCallback): Promise<DerivedModel> {
    const search = this.requireSearch();
    const genotype = await search.genotype();
    this.derived?.dispose();
    this.derived = await deriveRepairedModel({
      model: this.model,
      graph: this.graph,
      blockIndex: this.blockIndex!,
      genotype,
      residual: this.config.search.residual,
      outputRelu: this.instrumented.nonNegativeOutputs[this.blockIndex!],
      data: this.searchData!,
      heldOut: this.heldOutInputs!,
      distill: this.distillInputs && this.config.distillEpochs > 0 ? { inputs: this.distillInputs, teacher: (x) => this.split!.block(x), epochs: this.config.distillEpochs } : null,
      suffix: (x) => asLogits(this.split!.suffix(x), this.isProbabilities),
      finetune: this.config.finetune,
      seed: this.config.seed,
      cancel,
      onProgress,
    });
    this.phase = 'derived';
    return this.derived;
  }

  /** The cached block inputs of the current search (for baselines on the same data). */
  get cachedData(): SearchData | null {
    return this.searchData;
  }

  get splitModel(): SplitModel | null {
    return this.split;
  }

  dispose(): void {
    this.disposeSearch();
    this.derived?.dispose();
    this.derived = null;
  }

  private disposeSearch(): void {
    this.search?.dispose();
    this.search = null;
    this.split?.dispose();
    this.split = null;
    this.searchData = null;
    this.distillInputs = null;
    this.heldOutInputs = null;
  }

  private requireFailures(): FailureSummary {
    if (!this.failures) throw new LabError('Collect the failing examples first.', { field: 'failures', fix: 'Run the Data step (collect failures).' });
    return this.failures;
  }

  private requireSearch(): Search {
    if (!this.search) throw new LabError('Start the search first.', { field: 'search', fix: 'Choose a block and start the search.' });
    return this.search;
  }
}

/** True when block `index` maps a feature map to a feature map (what a cell can replace). */
export function isSearchable(graph: BlockGraph, index: number): boolean {
  const b = graph.blocks[index];
  if (!b || b.kind === 'head' || b.inputShape.length !== 3 || b.outputShape.length !== 3) return false;
  if (b.stride !== 1 && b.stride !== 2) return false;
  // The cell pads 'same': its output is ⌈H/s⌉ × ⌈W/s⌉, so the block must keep that contract.
  return b.outputShape[0] === Math.ceil(b.inputShape[0] / b.stride) && b.outputShape[1] === Math.ceil(b.inputShape[1] / b.stride);
}

import type { RepairVerdict, Selection } from '../core/repair/selection';
/**
 * Plain data that crosses the worker boundary (comlink structured clone). Nothing here holds a
 * tensor or a class instance; images travel as Float32Array NHWC in [0, 1] with their shape.
 */
import type { BlockGraph, BlockScore, EpochMetrics, Genotype } from '../core/types';
import type { ModelCard } from '../core/data/model-card';
import type { SessionSummary, StorageEstimate } from '../store';
import type { DatasetIdentity } from '../core/data/identity';

/** A batch of images: pixels NHWC in [0, 1], shape [count, height, width, channels]. */
export interface ImageBatch {
  pixels: Float32Array;
  shape: [number, number, number, number];
  /** True class per image. */
  labels: Int32Array;
  /** Predicted class per image, when a model was asked. */
  predictions?: Int32Array;
  /** Short text under each image (e.g. 'fixed'), optional. */
  captions?: string[];
}

/** One demo of the zoo with the numbers of its model card. */
export interface DemoInfo {
  name: string;
  title: string;
  description: string;
  params: number;
  /** Accuracy in [0, 1] on the clean test images. */
  cleanAccuracy: number;
  worstCorruption: { name: string; accuracy: number; drop: number };
  testSet: string;
}

/** Where the current model came from. */
export type ModelSource = { kind: 'demo'; name: string } | { kind: 'stored'; id: string } | { kind: 'files' };

/** The model of the workspace as the Model step shows it. */
export interface ModelView {
  name: string;
  /** Id for sessions: 'demo:<name>' or the IndexedDB model id. */
  modelId: string;
  source: ModelSource['kind'];
  graph: BlockGraph;
  card: ModelCard | null;
  params: number;
  classNames: string[];
  fileNames: string[];
  /** What the import changed or chose (dequantised weights, ignored trailing bytes, the picked output, shared layers). */
  notes: string[];
  /** Per block: layers after which it can be split (BlockDiagram split control). */
  cuts: string[][];
  /** Per block: whether architecture search can replace it (spatial in and out). */
  searchable: boolean[];
  /** Per block: why it cannot be searched, null when it can. */
  whyNotSearchable: (string | null)[];
  /** Estimated training memory in bytes. */
  memoryBytes: number;
  /** Whether the model files are saved in this browser (IndexedDB). */
  isSaved: boolean;
}

/** A dataset the Data step can pick. */
export interface DatasetInfo {
  name: string;
  title: string;
  count: number;
  /** [height, width, channels]. */
  shape: [number, number, number];
  classNames: string[];
  provenance: string;
  source: 'bundled' | 'imported';
}

/** The dataset in the workspace: its description, a sample grid and the class histogram. */
export interface DatasetView {
  info: DatasetInfo;
  samples: ImageBatch;
  /** Images per class over the whole dataset. */
  histogram: number[];
  /** Whether it came from the IndexedDB cache rather than the network/files. */
  fromCache: boolean;
}

/** The user's own drifted images, fitted to the model: what the Data step shows and the lesson records. */
export interface DriftSetView extends DatasetView {
  /** Name, count, shape, classes and content hash (sessions, reports and lesson URLs record it). */
  identity: DatasetIdentity;
  /** What fitting to the model's input did, e.g. "resized 64×64 → 28×28, RGB → grey (40 images)"; [] when nothing changed. */
  conversions: string[];
}

/** Each corruption × severities 1..5 for a few images; images ordered corruption-major, then severity, then image. */
export interface CorruptionGrid {
  corruptions: { name: string; family: string }[];
  severities: number[];
  imagesPerCell: number;
  /** The clean originals (imagesPerCell of them). */
  clean: ImageBatch;
  images: ImageBatch;
}

/** The Data step's failure summary (collect failures). */
export interface FailureView {
  /** The corruption, or the name of the user's own drift set. */
  corruption: string;
  /** 0 for a drift set. */
  severity: number;
  /** True when the drift is the user's own drift set (held-out part: its own images). */
  isOwnDrift: boolean;
  workingSize: number;
  repairPoolSize: number;
  heldOutSize: number;
  /** Accuracy of the model on the drifted repair pool and held-out images, in [0, 1]. */
  poolAccuracy: number;
  heldOutAccuracy: number;
  failingTotal: number;
  failingUsed: number;
  /** Failures per true class. */
  perClass: number[];
  /** Some failing images with what the model predicted. */
  examples: ImageBatch;
}

/** The Localize step's result. */
export interface LocalizationView {
  scores: BlockScore[];
  method: string;
  formula: string;
  timingsMs: Record<string, number>;
  /** The block the session will repair (the best searchable one unless the user picked another). */
  chosenBlock: number;
  suggestedBlock: number;
  searchable: boolean[];
  failing: number;
  passing: number;
  /** Failing and passing images next to their FGSM copies (set right after localizing). */
  adversarial?: { epsilon: number; original: ImageBatch; adversarial: ImageBatch };
}

/** RQ3 in small: what a short fine-tune of each block gains, and how each localizer's scores correlate with it. */
export interface LocalizerEvaluationView {
  gains: { blockIndex: number; gainFailures: number; gainHeldOut: number }[];
  bestBlock: number;
  correlations: { method: string; topBlock: number; spearmanHeldOut: number | null; spearmanFailures: number | null }[];
}

/** Started search: what it trains on and where its checkpoints go. */
export interface SearchInfo {
  sessionId: string;
  blockIndex: number;
  blockName: string;
  preset: string;
  steps: number;
  ops: string[];
  epochsPlanned: number;
  sizes: { weights: number; alpha: number; validation: number };
  /** The initial softmax(α) and genotype, so the views show something before epoch 1. */
  alphaSoftmax: number[][];
  genotype: Genotype;
  /** False when checkpoints live in memory only (no IndexedDB). */
  isPersistent: boolean;
}

/** One epoch's metrics plus how its checkpoint write went. */
export interface EpochView {
  metrics: EpochMetrics;
  checkpoint: { ok: boolean; message: string | null };
}

/** One α-only or weights-only step. */
export interface HalfStepView {
  kind: 'alpha' | 'weights';
  loss: number;
  alphaSoftmax: number[][];
  genotype: Genotype;
}

/** The derived (discrete) block after fine-tuning. */
export interface DeriveView {
  genotype: Genotype;
  params: number;
  originalBlockParams: number;
  finetuneLosses: number[];
  /** The do-no-harm selection: which fine-tune epoch (or the original) was kept, and why. */
  selection: Selection;
}

/** Accuracy of one model per evaluation set. */
export interface ModelRows {
  name: string;
  label: string;
  rows: { label: string; severity: number; count: number; accuracy: number }[];
  trainMs: number;
  /** The selection that produced this model (null for the original). */
  selection: Selection | null;
}

/** The Results step: before/after on clean, the target drift and the suite, with pictures. */
export interface ResultsView {
  classNames: string[];
  /** The set the confusion matrices and examples come from (the targeted corruption, or clean). */
  targetLabel: string;
  /** 'no-repair': no candidate beat the original on the drift within the clean bound; the original is kept. */
  verdict: RepairVerdict;
  /** The same in one sentence (page, report and CLI say the same words). */
  verdictText: string;
  original: ModelRows;
  repaired: ModelRows;
  baselines: ModelRows[];
  perClassBefore: number[];
  perClassAfter: number[];
  confusionBefore: number[][];
  confusionAfter: number[][];
  fixedCount: number;
  brokenCount: number;
  fixed: ImageBatch;
  broken: ImageBatch;
}

/** Files of the Export step (downloaded through Blob URLs by the page). */
export interface ExportBundle {
  files: { name: string; bytes: Uint8Array }[];
  reportJson: string;
  reportMarkdown: string;
}

/** A session the page can offer to resume, plus whether it can. */
export type SessionRow = SessionSummary;

/** Storage state for the sessions panel. */
export interface StorageView {
  isPersistent: boolean;
  /** Why storage is memory-only, null when it is IndexedDB. */
  reason: string | null;
  estimate: StorageEstimate;
  sessions: SessionRow[];
  warnings: string[];
}

/** Everything a resumed session brings back to the page. */
export interface ResumeView {
  model: ModelView;
  dataset: DatasetView;
  failures: FailureView;
  localization: LocalizationView | null;
  search: SearchInfo;
  history: EpochMetrics[];
  config: LessonSettings;
  /** The session's own drift set (null when its drift is a corruption). */
  driftSet: DriftSetView | null;
}

/** The settings of a lesson (encoded in the URL so a teacher can share one link). */
export interface LessonSettings {
  seed: number;
  corruption: string;
  severity: number;
  workingSize: number;
  failureCap: number;
  preset: 'paper' | 'lite';
  epochs: number;
  finetuneEpochs: number;
  batchSize: number;
  includeSuite: boolean;
  /** Points of clean validation accuracy a kept candidate may lose (RepairConfig.cleanTolerance × 100); absent in older sessions: the default. */
  cleanBound?: number;
  /** The robustness guard (RepairConfig.robustnessGuard); absent in older sessions: the default. */
  robustnessGuard?: boolean;
  /**
   * The user's own drift set, by identity: when `driftName` is non-empty the drift is that set
   * (failures from its repair part, drift accuracy on its held-out part) and `corruption` is not
   * applied. Absent or '' (older sessions too): the drift is the corruption.
   */
  driftName?: string;
  driftCount?: number;
  driftHash?: string;
}

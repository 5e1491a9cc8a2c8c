/** Plain data types shared by core, worker, store and UI. Nothing here holds a tensor. */

/** A tensor as plain data, safe to postMessage and to store in IndexedDB. */
export interface TensorData {
  shape: number[];
  dtype: 'float32' | 'int32' | 'bool';
  data: ArrayBuffer;
}

/** Progress of a long operation; `etaMs` is null until it can be estimated. */
export interface Progress {
  phase: string;
  done: number;
  total: number;
  etaMs: number | null;
}

export type ProgressCallback = (progress: Progress) => void;

/** Backends the lab knows how to select, in default preference order. */
export const BACKEND_NAMES = ['webgpu', 'webgl', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

/** The outcome of trying one backend during selection. */
export interface BackendAttempt {
  backend: BackendName;
  ok: boolean;
  /** Why it was rejected or skipped; empty when ok. */
  reason: string;
  ms: number;
}

/** What the GPU adapter said about itself (WebGPU only). */
export interface AdapterInfo {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** True for software adapters such as SwiftShader: correct but slow. */
  isFallbackAdapter: boolean;
}

export interface BackendInfo {
  active: BackendName;
  attempts: BackendAttempt[];
  adapter: AdapterInfo | null;
  /** True when the user forced this backend (settings or `?backend=`). */
  isForced: boolean;
  /** Whether the page is cross-origin isolated (wasm threads need it). */
  isCrossOriginIsolated: boolean;
  tfjsVersion: string;
  /** Threads the active backend computes on (wasm's pool, 1 without isolation); null for the others. */
  threads: number | null;
  /** The timings behind an automatic choice (measured now or remembered for this device); null if none. */
  calibration: BackendCalibration | null;
}

/** One backend's time on the calibration training step. */
export interface BackendTiming {
  backend: BackendName;
  /** '' when the step ran; else why the backend could not be timed. */
  error: string;
  /** Samples per second of the timed steps (0 when it could not run). */
  samplesPerSecond: number;
  /** Median time of one timed training step, in ms. */
  stepMs: number;
  /** The first step (kernel compilation, uploads), not counted in the speed. */
  warmupMs: number;
  steps: number;
  /** A software GPU (SwiftShader, llvmpipe…): correct, but it must clearly beat wasm to be picked. */
  isSoftware: boolean;
  threads: number | null;
}

/** How the automatic backend choice was made on this device. */
export interface BackendCalibration {
  chosen: BackendName;
  /** One line: why this backend won. */
  reason: string;
  timings: BackendTiming[];
  /** When the timings were taken (ms since the epoch). */
  measuredAt: number;
  /** 'measured' at this start, or 'stored' (read back from IndexedDB). */
  source: 'measured' | 'stored';
}

export interface MemoryInfo {
  numTensors: number;
  numBytes: number;
  /** Bytes held on the GPU where the backend reports it, else null. */
  numBytesInGPU: number | null;
}

// ---------------------------------------------------------------------------------------
// Model structure (src/core/model). Plain data built from the topology JSON, no tfjs.

/** One layer of the flattened layer DAG. */
export interface LayerInfo {
  /** Unique layer name (nested models flattened as `outer/inner`). */
  name: string;
  className: string;
  /** Names of the layers whose outputs feed this layer ([] for the model input). */
  inbound: string[];
  /** Output shape without the batch dimension, e.g. [14, 14, 32]. */
  outputShape: number[];
  params: number;
  /** Multiply-accumulates for one example. */
  macs: number;
  /** Index of the block that holds this layer, -1 for the input layer. */
  block: number;
  /**
   * On every use of a layer applied more than once (shared weights): the name of its first use,
   * which is the tfjs layer. Later uses are named `name#2`… and own no params.
   */
  sharedLayer?: string;
}

export type BlockKind = 'conv-unit' | 'residual' | 'module' | 'head' | 'other';

/** A contiguous piece of the layer DAG with one input tensor and one output tensor. */
export interface Block {
  index: number;
  /** Display name, e.g. 'conv unit 2', 'residual 1', 'head'. */
  name: string;
  kind: BlockKind;
  /** Layer names in topological order. */
  layers: string[];
  /** Layer whose output is this block's input (the model input layer for block 0). */
  inputLayer: string;
  /** Layer whose output is this block's output. */
  outputLayer: string;
  /** Shapes without the batch dimension (NHWC for images, [units] after flatten). */
  inputShape: number[];
  outputShape: number[];
  /** Spatial downsampling from input to output (1, 2, 4…); 1 for non-spatial blocks. */
  stride: number;
  params: number;
  macs: number;
  /** Set when the block cannot be replaced by a searched cell whatever its shapes (a shared layer): the reason, in plain words. */
  unsearchableReason?: string;
}

export interface BlockGraph {
  modelName: string;
  /** Image input shape [H, W, C]. */
  inputShape: number[];
  numClasses: number;
  layers: LayerInfo[];
  blocks: Block[];
}

// ---------------------------------------------------------------------------------------
// Localization (src/core/localize).

export type SuspiciousnessFormula = 'ochiai' | 'tarantula' | 'dstar';
export type LocalizerMethod = 'combined' | 'gradient' | 'activation' | 'random';

/** Every term of one block's vulnerability score, so a lesson can compare them. */
export interface BlockScore {
  blockIndex: number;
  /** Forward spectrum: mean suspiciousness of the block's output channels. */
  forward: number;
  /** The scoring's backward term G_k (LocalizeSettings.scoring: failing-run relative gradient norm for 'rgn', its failing/passing contrast for 'contrastive', mean ‖∇W‖₁/|W| over failures for 'legacy'). */
  backward: number;
  forwardNormalized: number;
  backwardNormalized: number;
  /** The score the method ranks by. */
  combined: number;
  rank: number;
}

// ---------------------------------------------------------------------------------------
// Architecture search (src/core/search).

/**
 * A discrete cell for one block. Node 0 is the block input; nodes 1..steps are intermediate
 * nodes; each intermediate node keeps two incoming edges (DARTS `_parse`).
 */
export interface Genotype {
  steps: number;
  /** Kept edges: intermediate node `node` (1..steps) takes `op` applied to node `from`. */
  edges: { node: number; from: number; op: string }[];
  /** Nodes concatenated into the block output (DARTS: all intermediate nodes). */
  concat: number[];
}

/** What one search epoch reports; plain numbers for charts, checkpoints and reports. */
export interface EpochMetrics {
  epoch: number;
  lossWeights: number;
  lossAlpha: number;
  /** Accuracy on the failing examples used for repair (weight + α splits). */
  accFailures: number;
  /** Accuracy on the held-out clean validation split. */
  accValidation: number;
  /** Accuracy on adversarial (FGSM) copies of the validation split. */
  accAdversarial: number;
  /** Accuracy on the drifted validation images (absent in records from before it existed). */
  accDrift?: number;
  /** softmax(α) per edge: rows = edges in cell order, columns = ops in PRIMITIVES order. */
  alphaSoftmax: number[][];
  /** Mean normalised entropy of the rows of `alphaSoftmax`: 1 = uniform, 0 = one op per edge. */
  alphaEntropy: number;
  /** Op names, in column order of `alphaSoftmax`. */
  ops: string[];
  genotype: Genotype;
  wallMs: number;
  samplesPerSecond: number;
}

/** Plain records kept in the lab's IndexedDB (current format). Nothing here holds a tensor. */
import type { EpochMetrics, TensorData } from '../core/types';

/** Format tag written into every current record; a record with another tag is skipped. */
export const RECORD_VERSION = 2;

/** A JSON value, for configs that the store keeps but does not interpret. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export type SessionStatus = 'running' | 'paused' | 'finished' | 'failed';
export const SESSION_STATUSES: readonly SessionStatus[] = ['running', 'paused', 'finished', 'failed'];

/** Who holds a session (lease fallback when the Web Locks API is missing). */
export interface SessionLease {
  tabId: string;
  /** Epoch ms of the owner's last heartbeat; the lease lapses `leaseMs` after it. */
  heartbeatAt: number;
}

/** What the session record remembers of each stored checkpoint (so listing never loads weights). */
export interface CheckpointSummary {
  epoch: number;
  /** Clean validation accuracy in [0, 1]. */
  accValidation: number;
  sizeBytes: number;
  savedAt: number;
}

/** One repair session (store `sessions`, key `id`). */
export interface SessionRecord {
  v: typeof RECORD_VERSION;
  id: string;
  name: string;
  modelId: string;
  /** Display name of the model at creation (kept if the model is deleted later). */
  modelName: string;
  datasetName: string;
  corruption: string;
  severity: number;
  config: { [key: string]: JsonValue };
  status: SessionStatus;
  /** Index of the block being repaired, null before localization chose one. */
  chosenBlock: number | null;
  /** One entry per completed epoch, ascending. */
  history: EpochMetrics[];
  /** Best clean validation accuracy in [0, 1] over `history`, null before the first epoch. */
  bestAccuracy: number | null;
  /** Last completed epoch (0 before the first). */
  epoch: number;
  createdAt: number;
  updatedAt: number;
  owner: SessionLease | null;
  checkpoints: CheckpointSummary[];
}

/** Everything needed to continue a search exactly (store `checkpoints`, key [sessionId, epoch]). */
export interface CheckpointRecord {
  v: typeof RECORD_VERSION;
  sessionId: string;
  epoch: number;
  /** Architecture parameters α, shape [edges, ops] (ops in PRIMITIVES order). */
  alpha: TensorData;
  /** Supernet block weights by variable name. */
  supernet: Record<string, TensorData>;
  /** Weights of the derived block during fine-tuning (empty while searching). */
  fineTune: Record<string, TensorData>;
  /** Optimiser slots (Adam m/v, SGD momentum) by slot name. */
  optimizer: Record<string, TensorData>;
  /** Scalar optimiser and schedule counters (Adam step, lr schedule position), by name. */
  counters: Record<string, number>;
  /** `Rng.state()` after the epoch, to restore with createRng(seed, state). */
  rngState: number;
  /** Wall-clock timings in ms by phase name. */
  timings: Record<string, number>;
  /** Clean validation accuracy in [0, 1] after this epoch. */
  accValidation: number;
  /** Bytes of all tensor buffers in this record. */
  sizeBytes: number;
  savedAt: number;
}

/** A user edit to the automatic block partition, by layer names (stable across reloads). */
export type BlockOverride = { kind: 'merge'; firstLayer: string; lastLayer: string } | { kind: 'split'; afterLayer: string };

/** An imported tfjs LayersModel (store `models`, key `id`). */
export interface ModelRecord {
  v: typeof RECORD_VERSION;
  id: string;
  name: string;
  /** model.json and its weight shards, byte for byte. */
  files: { name: string; bytes: ArrayBuffer }[];
  blockOverrides: BlockOverride[];
  createdAt: number;
}

/** A cached dataset (store `datasets`, key `name`). */
export interface DatasetRecord {
  v: typeof RECORD_VERSION;
  name: string;
  /** NHWC pixels: uint8 (value·255, lossless for 8-bit sources) or float32 in [0, 1]. */
  images: ArrayBuffer;
  imageDtype: 'uint8' | 'float32';
  /** Int32 class index per image. */
  labels: ArrayBuffer;
  /** [count, height, width, channels]. */
  shape: [number, number, number, number];
  classNames: string[];
  provenance: string;
  cachedAt: number;
}

/** Bytes per element of a TensorData dtype (tfjs reads bool as one byte per value). */
export function bytesPerElement(dtype: TensorData['dtype']): number {
  return dtype === 'bool' ? 1 : 4;
}

/** Total buffer bytes of a set of named tensors. */
export function tensorBytes(tensors: Record<string, TensorData>): number {
  let total = 0;
  for (const t of Object.values(tensors)) total += t.data.byteLength;
  return total;
}

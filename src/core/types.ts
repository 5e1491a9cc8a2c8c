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
}

export interface MemoryInfo {
  numTensors: number;
  numBytes: number;
  /** Bytes held on the GPU where the backend reports it, else null. */
  numBytesInGPU: number | null;
}

import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { getThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { BACKEND_NAMES, type AdapterInfo, type BackendAttempt, type BackendInfo, type BackendName } from '../types';
import { LabError } from '../errors';

/**
 * Fallback order when no calibration decides (a forced backend that fails, a remembered one that
 * no longer starts): wasm, the fastest CPU path, before GPUs that may be software; cpu always works.
 */
export const DEFAULT_BACKEND_ORDER: readonly BackendName[] = ['wasm', 'webgpu', 'webgl', 'cpu'];

export function isBackendName(value: unknown): value is BackendName {
  return typeof value === 'string' && (BACKEND_NAMES as readonly string[]).includes(value);
}

/** Validates a user-supplied backend name (settings control or `?backend=`). */
export function parseBackendName(value: string, field = 'backend'): BackendName {
  if (isBackendName(value)) return value;
  throw new LabError(`Unknown backend "${value}".`, { field, fix: `Use one of: ${BACKEND_NAMES.join(', ')}.`, code: 'unknown_backend', params: { value, names: BACKEND_NAMES.join(', ') } });
}

export interface SelectBackendOptions {
  /** Try this backend first (user's choice); the default chain follows if it fails. */
  forced?: BackendName | null;
  /** Try this backend first without marking it forced (the calibrated choice). */
  preferred?: BackendName | null;
  order?: readonly BackendName[];
  /** Where the wasm binaries are served (bundlers move them); Node finds them itself. */
  wasmPaths?: Record<string, string>;
}

/**
 * Tries each backend in turn, keeps the first that initialises and computes a known result,
 * and records every attempt (tfjs throws for unregistered backends and returns false for
 * backends whose factory fails, e.g. WebGPU without an adapter).
 */
export async function selectBackend(options: SelectBackendOptions = {}): Promise<BackendInfo> {
  const order = options.order ?? DEFAULT_BACKEND_ORDER;
  const first = options.forced ?? options.preferred ?? null;
  const candidates = first ? [first, ...order.filter((b) => b !== first)] : [...order];
  if (options.wasmPaths) setWasmPaths(options.wasmPaths);
  const attempts: BackendAttempt[] = [];
  for (const backend of candidates) {
    const started = performance.now();
    const reason = await startBackend(backend);
    attempts.push({ backend, ok: reason === '', reason, ms: Math.round(performance.now() - started) });
    if (reason === '') {
      return {
        active: backend,
        attempts,
        adapter: backend === 'webgpu' ? await readAdapterInfo() : null,
        isForced: options.forced === backend,
        isCrossOriginIsolated: isCrossOriginIsolated(),
        tfjsVersion: tf.version.tfjs,
        threads: threadCount(backend),
        calibration: null,
      };
    }
  }
  const detail = attempts.map((a) => `${a.backend}: ${a.reason}`).join('; ');
  throw new LabError(`No tfjs backend could start (${detail}).`, { field: 'backend', fix: 'Use a current Chromium, Firefox or Safari; the cpu backend needs no GPU.' });
}

export function isCrossOriginIsolated(): boolean {
  return Boolean((globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated);
}

/** Threads of wasm's pool once it runs (1 when the page is not cross-origin isolated); null for other backends. */
export function threadCount(backend: BackendName): number | null {
  if (backend !== 'wasm') return null;
  try {
    return getThreadsCount();
  } catch {
    return null;
  }
}

/**
 * tfjs-backend-wasm sizes its thread pool as navigator.hardwareConcurrency / 2 (it assumes two
 * hyperthreads per core, caps at 8), which leaves a 2- or 3-core machine on one thread. It reads
 * the value once, when the wasm module starts; for that moment such a machine reports 4 cores,
 * so it gets 2 threads. Larger machines keep tfjs's own choice.
 */
async function withAtLeastTwoWasmThreads<T>(start: () => Promise<T>): Promise<T> {
  const nav = globalThis.navigator as { hardwareConcurrency?: number } | undefined;
  const cores = nav?.hardwareConcurrency ?? 0;
  if (!nav || cores < 2 || cores >= 4 || Object.getOwnPropertyDescriptor(nav, 'hardwareConcurrency')) return start();
  Object.defineProperty(nav, 'hardwareConcurrency', { value: 4, configurable: true });
  try {
    return await start();
  } finally {
    delete (nav as { hardwareConcurrency?: number }).hardwareConcurrency;
  }
}

/** Makes `backend` the active one; returns '' when it works, else a one-line reason. */
export async function startBackend(backend: BackendName): Promise<string> {
  if (!tf.engine().registryFactory[backend]) return 'not available in this environment';
  try {
    const ok = backend === 'wasm' ? await withAtLeastTwoWasmThreads(() => tf.setBackend(backend)) : await tf.setBackend(backend);
    if (!ok) return 'failed to initialise (for webgpu: no GPU adapter)';
    await tf.ready();
    return await sanityCheck();
  } catch (err) {
    return err instanceof Error ? err.message.split('\n')[0] : String(err);
  }
}

/** A tiny convolution with a known answer: catches backends that start but compute garbage. */
async function sanityCheck(): Promise<string> {
  const out = tf.tidy(() => {
    const x = tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1]);
    const w = tf.ones([2, 2, 1, 1]) as tf.Tensor4D;
    return tf.conv2d(x, w, 1, 'valid');
  });
  const [value] = await out.data();
  out.dispose();
  return value === 10 ? '' : `sanity check computed ${value} instead of 10`;
}

export async function readAdapterInfo(): Promise<AdapterInfo | null> {
  type Gpu = { requestAdapter(): Promise<GpuAdapterLike | null> };
  type GpuAdapterLike = { info?: Record<string, unknown>; isFallbackAdapter?: boolean };
  const gpu = (globalThis.navigator as { gpu?: Gpu } | undefined)?.gpu;
  if (!gpu) return null;
  try {
    const adapter = await gpu.requestAdapter();
    if (!adapter) return null;
    const info = adapter.info ?? {};
    const text = (key: string) => (typeof info[key] === 'string' ? (info[key] as string) : '');
    return {
      vendor: text('vendor'),
      architecture: text('architecture'),
      device: text('device'),
      description: text('description'),
      // Chrome moved the flag from the adapter to adapter.info; read either.
      isFallbackAdapter: Boolean(info.isFallbackAdapter ?? adapter.isFallbackAdapter),
    };
  } catch {
    return null;
  }
}

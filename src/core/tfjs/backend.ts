import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { BACKEND_NAMES, type AdapterInfo, type BackendAttempt, type BackendInfo, type BackendName } from '../types';
import { LabError } from '../errors';

/** Default order for training: fastest first where it exists, cpu always works. */
export const DEFAULT_BACKEND_ORDER: readonly BackendName[] = ['webgpu', 'webgl', 'cpu'];

export function isBackendName(value: unknown): value is BackendName {
  return typeof value === 'string' && (BACKEND_NAMES as readonly string[]).includes(value);
}

/** Validates a user-supplied backend name (settings control or `?backend=`). */
export function parseBackendName(value: string, field = 'backend'): BackendName {
  if (isBackendName(value)) return value;
  throw new LabError(`Unknown backend "${value}".`, { field, fix: `Use one of: ${BACKEND_NAMES.join(', ')}.` });
}

export interface SelectBackendOptions {
  /** Try this backend first (user's choice); the default chain follows if it fails. */
  forced?: BackendName | null;
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
  const candidates = options.forced ? [options.forced, ...order.filter((b) => b !== options.forced)] : [...order];
  if (options.wasmPaths) setWasmPaths(options.wasmPaths);
  const attempts: BackendAttempt[] = [];
  for (const backend of candidates) {
    const started = performance.now();
    const reason = await tryBackend(backend);
    attempts.push({ backend, ok: reason === '', reason, ms: Math.round(performance.now() - started) });
    if (reason === '') {
      return {
        active: backend,
        attempts,
        adapter: backend === 'webgpu' ? await readAdapterInfo() : null,
        isForced: options.forced === backend,
        isCrossOriginIsolated: Boolean((globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated),
        tfjsVersion: tf.version.tfjs,
      };
    }
  }
  const detail = attempts.map((a) => `${a.backend}: ${a.reason}`).join('; ');
  throw new LabError(`No tfjs backend could start (${detail}).`, { field: 'backend', fix: 'Use a current Chromium, Firefox or Safari; the cpu backend needs no GPU.' });
}

/** Returns '' when the backend works, else a one-line reason. */
async function tryBackend(backend: BackendName): Promise<string> {
  if (!tf.engine().registryFactory[backend]) return 'not available in this environment';
  try {
    const ok = await tf.setBackend(backend);
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

async function readAdapterInfo(): Promise<AdapterInfo | null> {
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

import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import type { BackendCalibration, BackendInfo, BackendName, BackendTiming } from '../types';
import { DEFAULT_BACKEND_ORDER, isCrossOriginIsolated, readAdapterInfo, selectBackend, startBackend, threadCount } from './backend';
import { chooseBackend } from './backend-choice';
import { DEFAULT_CALIBRATION_STEP, timeTrainingStep, type CalibrationStepConfig } from './calibration-step';
import { isSoftwareGpu } from './software-gpu';

/** Bump when the timed workload changes, so choices measured on the old one are re-measured. */
export const CALIBRATION_VERSION = 1;

/** Where the calibrated choice is remembered (IndexedDB in the lab); failures are ignored. */
export interface CalibrationMemory {
  load(device: string): Promise<BackendCalibration | null>;
  save(device: string, calibration: BackendCalibration): Promise<void>;
}

export interface CalibratedStartOptions {
  order?: readonly BackendName[];
  memory?: CalibrationMemory | null;
  /** Measure again even if this device has a remembered choice. */
  recalibrate?: boolean;
  wasmPaths?: Record<string, string>;
  step?: CalibrationStepConfig;
}

/**
 * What identifies "this device" for a remembered choice: browser build, cores, isolation (wasm
 * threads depend on it), tfjs, the GPU adapter and the workload version. A change re-measures.
 */
export async function deviceKey(): Promise<string> {
  const nav = globalThis.navigator as { userAgent?: string; hardwareConcurrency?: number } | undefined;
  const adapter = await readAdapterInfo();
  const gpu = adapter ? [adapter.vendor, adapter.architecture, adapter.description].filter(Boolean).join('/') || 'unnamed' : 'none';
  return [`ua=${nav?.userAgent ?? 'unknown'}`, `cores=${nav?.hardwareConcurrency ?? 0}`, `isolated=${isCrossOriginIsolated()}`, `tfjs=${tf.version.tfjs}`, `gpu=${gpu}`, `step=${CALIBRATION_VERSION}`].join('; ');
}

/** Starts each backend in turn and times the training step on it; backends that fail say why. */
export async function measureBackends(candidates: readonly BackendName[], step: CalibrationStepConfig = DEFAULT_CALIBRATION_STEP): Promise<BackendTiming[]> {
  const timings: BackendTiming[] = [];
  for (const backend of candidates) {
    const failed = (error: string): BackendTiming => ({ backend, error, samplesPerSecond: 0, stepMs: 0, warmupMs: 0, steps: 0, isSoftware: false, threads: null });
    const reason = await startBackend(backend);
    if (reason !== '') {
      timings.push(failed(reason));
      continue;
    }
    const isSoftware = isSoftwareGpu(backend, backend === 'webgpu' ? await readAdapterInfo() : null);
    try {
      const t = await timeTrainingStep(step);
      timings.push({ backend, error: '', ...t, isSoftware, threads: threadCount(backend) });
    } catch (err) {
      timings.push({ ...failed(`training step failed: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`), isSoftware });
    }
  }
  return timings;
}

/** Times every candidate and picks the fastest (software GPUs handicapped); null when none trained. */
export async function calibrateBackends(candidates: readonly BackendName[], step?: CalibrationStepConfig): Promise<BackendCalibration | null> {
  const timings = await measureBackends(candidates, step);
  const choice = chooseBackend(timings);
  return choice ? { ...choice, timings, measuredAt: Date.now(), source: 'measured' } : null;
}

/** The calibration remembered for this device (shown when the user forces a backend), or null. */
export async function rememberedCalibration(memory: CalibrationMemory): Promise<BackendCalibration | null> {
  const remembered = await memory.load(await deviceKey()).catch(() => null);
  return remembered ? { ...remembered, source: 'stored' } : null;
}

/**
 * The automatic backend: the choice remembered for this device, or (first start, new device,
 * on demand) a fresh calibration, which is then remembered. Falls back along `order` if the
 * chosen backend does not start.
 */
export async function startCalibratedBackend(options: CalibratedStartOptions = {}): Promise<BackendInfo> {
  const order = options.order ?? DEFAULT_BACKEND_ORDER;
  if (options.wasmPaths) setWasmPaths(options.wasmPaths);
  const device = await deviceKey();
  const remembered = options.recalibrate || !options.memory ? null : await options.memory.load(device).catch(() => null);
  let calibration: BackendCalibration | null = remembered ? { ...remembered, source: 'stored' } : null;
  if (!calibration) {
    calibration = await calibrateBackends(order, options.step);
    if (calibration) await options.memory?.save(device, calibration).catch(() => undefined);
  }
  const info = await selectBackend({ preferred: calibration?.chosen ?? null, order });
  return { ...info, calibration };
}

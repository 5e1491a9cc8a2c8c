import { transfer } from 'comlink';
import { selectBackend, parseBackendName } from '../core/tfjs/backend';
import { rememberedCalibration, startCalibratedBackend, type CalibrationMemory } from '../core/tfjs/calibrate';
import { installTrainingSupport } from '../core/tfjs/install';
import { memoryInfo } from '../core/tfjs/memory';
import { runEngineCheck, type EngineCheckConfig, type EngineCheckResult } from '../core/tfjs/engine-check';
import { CancelToken } from '../core/progress';
import type { BackendInfo, BackendName, MemoryInfo, ProgressCallback } from '../core/types';
import { deleteBackendCalibration, getBackendCalibration, listDatasets, newId, openLabDb, putBackendCalibration, type ImportResult, type LabDbHandle, type ModelSummary } from '../store';
import type { AssetReader } from './assets';
import * as models from './models';
import * as data from './datasets';
import * as drift from './drift-set';
import { decodeImageInBrowser } from '../core/data/decode-browser';
import type { ImageDecoder } from '../core/data/image-folder';
import type { DroppedFile } from '../core/data/dropped-set';
import * as repair from './repair';
import * as results from './results';
import * as persistence from './persistence';
import { Workspace } from './workspace';
import type {
  CorruptionGrid, DatasetInfo, DatasetView, DemoInfo, DriftSetView, DeriveView, EpochView, ExportBundle, FailureView, HalfStepView, ImageBatch, LessonSettings,
  LocalizationView, LocalizerEvaluationView, ModelView, ResultsView, ResumeView, SearchInfo, StorageView,
} from './lab-types';

export interface LabOptions {
  /** Where the wasm binaries are served from (set by the worker entry; Node needs none). */
  wasmPaths?: Record<string, string>;
  /** Reads the app's static files (demo models, bundled data); the worker fetches them same-origin. */
  readAsset?: AssetReader;
  /** Opens the lab's database (default: IndexedDB, falling back to memory with a reason). */
  openDb?: () => Promise<LabDbHandle>;
  /** Decodes dropped PNG/JPEG images (default: the browser's decoder; Node tests pass decodeImageInNode). */
  decodeImage?: ImageDecoder;
  /** Limits on dropped labelled sets (default: the core's; tests use small ones). */
  setLimits?: data.SetLimits;
}

/** Backends calibrated on first start, and the fallback order if the chosen one fails. */
const BACKEND_ORDER: readonly BackendName[] = ['wasm', 'webgpu', 'webgl', 'cpu'];

/** Moves image buffers instead of copying them (they are fresh copies made for the page). */
function sendImages<T>(value: T, batches: (ImageBatch | undefined)[]): T {
  const buffers = new Set<ArrayBuffer>();
  for (const b of batches) {
    if (!b) continue;
    for (const a of [b.pixels, b.labels, b.predictions]) if (a && a.buffer instanceof ArrayBuffer) buffers.add(a.buffer);
  }
  return transfer(value, [...buffers]);
}

/** Progress that also stops the work: the decode loop reports every image, so a cancel lands there (a CancelledError). */
function stoppable(token: CancelToken, onProgress?: ProgressCallback): ProgressCallback {
  return (p) => {
    token.throwIfCancelled(p.phase);
    onProgress?.(p);
  };
}

/**
 * The engine's public API. The worker exposes one instance with comlink; tests and the CLI
 * can use it directly. Arguments and results are plain data; long calls take a `jobId`
 * (so `cancel(jobId)` can stop them) and a progress callback.
 */
export class Lab {
  private readonly jobs = new Map<string, CancelToken>();
  private backendInfo: BackendInfo | null = null;
  private readonly ws = new Workspace();
  private readonly tabId = newId();
  private dbHandle: Promise<LabDbHandle> | null = null;

  constructor(private readonly options: LabOptions = {}) {}

  /**
   * Selects a backend and reports what it found: the user's choice if forced, else the fastest
   * one calibrated on this device (measured on first start and after `forgetCalibration`).
   */
  async init(request: { backend?: string | null } = {}): Promise<BackendInfo> {
    const forced = request.backend ? parseBackendName(request.backend) : null;
    installTrainingSupport();
    const { wasmPaths } = this.options;
    const memory = this.calibrationMemory();
    this.backendInfo = forced
      ? { ...(await selectBackend({ forced, order: BACKEND_ORDER, wasmPaths })), calibration: await rememberedCalibration(memory) }
      : await startCalibratedBackend({ order: BACKEND_ORDER, wasmPaths, memory });
    return this.backendInfo;
  }

  /** Forgets this device's calibrated backend, so the next automatic start measures again. */
  async forgetCalibration(): Promise<void> {
    await deleteBackendCalibration((await this.db()).db);
  }

  private calibrationMemory(): CalibrationMemory {
    return {
      load: async (device) => getBackendCalibration((await this.db()).db, device),
      save: async (device, calibration) => putBackendCalibration((await this.db()).db, device, calibration),
    };
  }

  backend(): BackendInfo | null {
    return this.backendInfo;
  }

  memory(): MemoryInfo {
    return memoryInfo();
  }

  /** Proves the path end to end: trains a tiny CNN on the active backend, returns the losses. */
  async engineCheck(config: Partial<EngineCheckConfig>, jobId: string, onProgress?: ProgressCallback): Promise<EngineCheckResult> {
    return this.runJob(jobId, (token) => runEngineCheck(config, token, onProgress));
  }

  // Model step -------------------------------------------------------------------------

  listDemos(): Promise<DemoInfo[]> {
    return models.listDemos(this.read);
  }

  openDemo(name: string): Promise<ModelView> {
    return models.openDemo(this.ws, this.read, name);
  }

  /** Validates and loads dropped model files (`name` may carry the folder path); `save` stores them in IndexedDB. */
  async importModel(files: { name: string; bytes: Uint8Array }[], save: boolean): Promise<ModelView> {
    return models.importModelFiles(this.ws, (await this.db()).db, files, save);
  }

  async listSavedModels(): Promise<ModelSummary[]> {
    return models.listSavedModels((await this.db()).db);
  }

  async openSavedModel(id: string): Promise<ModelView> {
    return models.openStoredModel(this.ws, (await this.db()).db, id);
  }

  async saveModel(): Promise<ModelView> {
    return models.saveCurrentModel(this.ws, (await this.db()).db);
  }

  async editBlocks(edit: { kind: 'merge'; index: number } | { kind: 'split'; index: number; atLayer: string } | { kind: 'reset' }): Promise<ModelView> {
    return models.editBlocks(this.ws, (await this.db()).db, edit);
  }

  // Data step --------------------------------------------------------------------------

  /** Bundled datasets, then datasets imported earlier in this browser. */
  async listDatasets(): Promise<DatasetInfo[]> {
    const bundled = await data.listBundled(this.read);
    const stored = await listDatasets((await this.db()).db).catch(() => ({ datasets: [] }));
    const imported = stored.datasets
      .filter((d) => !bundled.some((b) => b.name === d.name) && !drift.isDriftCacheKey(d.name))
      .map((d): DatasetInfo => ({ name: d.name, title: d.name, count: d.count, shape: d.imageShape, classNames: d.classNames, provenance: d.provenance, source: 'imported' }));
    return [...bundled, ...imported];
  }

  async openDataset(name: string, jobId: string, onProgress?: ProgressCallback): Promise<DatasetView> {
    const handle = await this.db();
    return this.runJob(jobId, async () => {
      onProgress?.({ phase: `loading ${name}`, done: 0, total: 1, etaMs: null });
      const view = await data.openCached(this.ws, handle.db, this.read, name);
      return sendImages(view, [view.samples]);
    });
  }

  /** Loads a dropped clean set from unread files (File objects, so sizes are checked before reading), fitted to the open model; progress per decoded image. */
  async importDataset(files: DroppedFile[], jobId: string, onProgress?: ProgressCallback): Promise<DatasetView> {
    const handle = await this.db();
    return this.runJob(jobId, async (token) => {
      const view = await data.importDataset(this.ws, handle.db, files, this.options.decodeImage ?? decodeImageInBrowser, stoppable(token, onProgress), this.options.setLimits);
      return sendImages(view, [view.samples]);
    });
  }

  /**
   * Loads the user's own drifted images for the open model from unread files (File objects, so
   * sizes are checked before reading); progress per decoded image. Cached for resume.
   */
  async importDriftSet(files: DroppedFile[], jobId: string, onProgress?: ProgressCallback): Promise<DriftSetView> {
    const handle = await this.db();
    return this.runJob(jobId, async (token) => {
      const view = await drift.importDriftSet(this.ws, handle.db, files, this.options.decodeImage ?? decodeImageInBrowser, stoppable(token, onProgress), this.options.setLimits);
      return sendImages(view, [view.samples]);
    });
  }

  /** Reopens a drift set cached in this browser under `name` with content hash `hash` (a shared lesson link names both); null when it is not there. */
  async openCachedDriftSet(name: string, hash: string): Promise<DriftSetView | null> {
    const view = await drift.openCachedDriftSet(this.ws, (await this.db()).db, name, hash);
    return view ? sendImages(view, [view.samples]) : null;
  }

  corruptionGrid(perCell: number, seed: number): CorruptionGrid {
    const grid = data.corruptionGrid(this.ws, perCell, seed);
    return sendImages(grid, [grid.clean, grid.images]);
  }

  collectFailures(settings: LessonSettings, jobId: string, onProgress?: ProgressCallback): Promise<FailureView> {
    return this.runJob(jobId, async (token) => {
      const view = await repair.collectFailures(this.ws, settings, token, onProgress);
      return sendImages(view, [view.examples]);
    });
  }

  // Localize step ----------------------------------------------------------------------

  localize(evaluate: boolean, jobId: string, onProgress?: ProgressCallback): Promise<{ localization: LocalizationView; evaluation: LocalizerEvaluationView | null }> {
    return this.runJob(jobId, async (token) => {
      const r = await repair.localizeBlocks(this.ws, evaluate, token, onProgress);
      return sendImages(r, [r.localization.adversarial?.original, r.localization.adversarial?.adversarial]);
    });
  }

  chooseBlock(index: number): LocalizationView {
    return repair.chooseBlock(this.ws, index);
  }

  // Search step ------------------------------------------------------------------------

  /** Builds the repair data and a fresh supernet (also "reset"); records a session for checkpoints. */
  async startSearch(settings: LessonSettings, jobId: string, onProgress?: ProgressCallback): Promise<SearchInfo> {
    const handle = await this.db();
    return this.runJob(jobId, async (token) => ({ ...(await repair.startSearch(this.ws, handle.db, this.tabId, settings, token, onProgress)), isPersistent: handle.persistent }));
  }

  /** One epoch of alternating α / weight updates, checkpointed to IndexedDB. */
  async searchEpoch(jobId: string, onProgress?: ProgressCallback): Promise<EpochView> {
    const handle = await this.db();
    return this.runJob(jobId, (token) => repair.searchEpoch(this.ws, handle.db, this.tabId, token, onProgress));
  }

  stepAlpha(): Promise<HalfStepView> {
    return repair.halfStep(this.ws, 'alpha');
  }

  stepWeights(): Promise<HalfStepView> {
    return repair.halfStep(this.ws, 'weights');
  }

  async pauseSession(): Promise<void> {
    await persistence.pauseSession(this.ws, await this.db(), this.tabId);
  }

  async derive(jobId: string, onProgress?: ProgressCallback): Promise<DeriveView> {
    const handle = await this.db();
    return this.runJob(jobId, (token) => repair.derive(this.ws, handle.db, token, onProgress));
  }

  // Results and export -----------------------------------------------------------------

  evaluate(includeSuite: boolean, jobId: string, onProgress?: ProgressCallback): Promise<ResultsView> {
    return this.runJob(jobId, async (token) => {
      const view = await results.evaluateRepair(this.ws, includeSuite, this.backendInfo?.active ?? 'unknown', token, onProgress);
      return sendImages(view, [view.fixed, view.broken]);
    });
  }

  runBaselines(jobId: string, onProgress?: ProgressCallback): Promise<ResultsView> {
    return this.runJob(jobId, async (token) => {
      const view = await results.runBaselines(this.ws, this.backendInfo?.active ?? 'unknown', token, onProgress);
      return sendImages(view, [view.fixed, view.broken]);
    });
  }

  exportFiles(): Promise<ExportBundle> {
    return results.exportBundle(this.ws);
  }

  async saveRepaired(): Promise<{ id: string; name: string }> {
    return results.saveRepaired(this.ws, (await this.db()).db);
  }

  // Sessions ---------------------------------------------------------------------------

  async storage(): Promise<StorageView> {
    return persistence.storageView(await this.db());
  }

  async resumeSession(id: string, jobId: string, onProgress?: ProgressCallback): Promise<ResumeView> {
    const handle = await this.db();
    return this.runJob(jobId, async (token) => {
      const view = await persistence.resumeSession(this.ws, handle, this.read, this.tabId, id, token, onProgress);
      return sendImages(view, [view.dataset.samples, view.failures.examples, view.driftSet?.samples]);
    });
  }

  async renameSession(id: string, name: string): Promise<void> {
    await persistence.rename(await this.db(), id, name);
  }

  async deleteSession(id: string): Promise<void> {
    await persistence.remove(this.ws, await this.db(), id);
  }

  async exportSession(id: string): Promise<Uint8Array> {
    const bytes = await persistence.exportSessionFile(await this.db(), id);
    return transfer(bytes, [bytes.buffer as ArrayBuffer]);
  }

  async importSession(bytes: Uint8Array): Promise<ImportResult> {
    return persistence.importSessionFile(await this.db(), bytes);
  }

  /** Asks the job to stop at its next checkpoint; it then rejects with a CancelledError. */
  cancel(jobId: string): boolean {
    const token = this.jobs.get(jobId);
    token?.cancel();
    return Boolean(token);
  }

  private get read(): AssetReader {
    const reader = this.options.readAsset;
    if (!reader) throw new Error('This Lab has no asset reader (LabOptions.readAsset).');
    return reader;
  }

  private db(): Promise<LabDbHandle> {
    this.dbHandle ??= (this.options.openDb ?? openLabDb)();
    return this.dbHandle;
  }

  private async runJob<T>(jobId: string, work: (token: CancelToken) => Promise<T>): Promise<T> {
    const token = new CancelToken();
    this.jobs.set(jobId, token);
    try {
      return await work(token);
    } finally {
      this.jobs.delete(jobId);
    }
  }
}

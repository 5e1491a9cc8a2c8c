import { createLabClient, type LabClient } from '../lab-client';
import type { BackendInfo, EpochMetrics, Genotype, MemoryInfo, Progress } from '../../core/types';
import type { EngineCheckConfig, EngineCheckResult } from '../../core/tfjs/engine-check';
import type { ModelSummary } from '../../store';
import type {
  CorruptionGrid, DatasetInfo, DatasetView, DemoInfo, DeriveView, DriftSetView, ExportBundle, FailureView, HalfStepView, LocalizationView,
  LocalizerEvaluationView, ModelView, ResultsView, SearchInfo, StorageView,
} from '../../worker/lab-types';
import type { FileRef, PickedFile } from '../files';
import type { StepId } from '../steps';
import { batchSizeFor, readLesson, writeLesson, type Lesson } from './lesson-url';
import { RunLoop, type RunState } from './run-loop';
import { m } from '../../paraglide/messages';
import { currentLocale } from '../i18n/locale.svelte';
import { errorWords } from '../i18n/error-words';
import type { ErrorParams } from '../../core/errors';

/** An error as the page shows it: what happened, and where/how to fix it when known (message and fix in the UI language where the engine's error has a code). */
export interface ShownError {
  id: number;
  message: string;
  field?: string;
  file?: string;
  fix?: string;
}

/** A note above the steps; `text` is read when shown, so it follows the UI language. */
export interface Notice {
  /** Stable identity (for de-duplication and the keyed list). */
  id: string;
  text: () => string;
  /** A resumable session exists: the note offers to open the sessions panel. */
  offersSessions?: boolean;
}

/** What the α heat map and the cell graph show: the latest epoch, or a half step after it. */
export interface LiveAlpha {
  /** Read when shown, so it follows the UI language. */
  label: () => string;
  alphaSoftmax: number[][];
  genotype: Genotype;
}

export type DriftSource = 'corruption' | 'own';

const MEMORY_POLL_MS = 2000;
const MEMORY_SAMPLES = 120;
let nextErrorId = 0;

/** All view state of the lab in one object; components read it and call its methods. */
export class LabState {
  step = $state<StepId>('model');
  backend = $state<BackendInfo | null>(null);
  memory = $state<MemoryInfo | null>(null);
  memoryHistory = $state.raw<Pick<MemoryInfo, 'numTensors' | 'numBytes'>[]>([]);
  isStarting = $state(true);
  progress = $state<Progress | null>(null);
  errors = $state<ShownError[]>([]);
  notices = $state.raw<Notice[]>([]);
  engineCheck = $state<EngineCheckResult | null>(null);
  lesson = $state<Lesson>(readLesson(location.search).lesson);

  demos = $state.raw<DemoInfo[]>([]);
  savedModels = $state.raw<ModelSummary[]>([]);
  model = $state.raw<ModelView | null>(null);
  selectedBlock = $state<number | null>(null);
  datasets = $state.raw<DatasetInfo[]>([]);
  dataset = $state.raw<DatasetView | null>(null);
  grid = $state.raw<CorruptionGrid | null>(null);
  /** The user's own drifted images (kept while a corruption is chosen, so switching back is free). */
  driftSet = $state.raw<DriftSetView | null>(null);
  /** Where the drift comes from: a corruption of the test set, or the user's own drift set. */
  driftSource = $state<DriftSource>(this.lesson.driftName ? 'own' : 'corruption');
  failures = $state.raw<FailureView | null>(null);
  localization = $state.raw<LocalizationView | null>(null);
  evaluation = $state.raw<LocalizerEvaluationView | null>(null);
  search = $state.raw<SearchInfo | null>(null);
  history = $state.raw<EpochMetrics[]>([]);
  halfSteps = $state.raw<HalfStepView[]>([]);
  live = $state.raw<LiveAlpha | null>(null);
  runState = $state<RunState>('idle');
  /** What happened to the last epoch's checkpoint, in words (read when shown). */
  lastCheckpoint = $state.raw<(() => string) | null>(null);
  derived = $state.raw<DeriveView | null>(null);
  results = $state.raw<ResultsView | null>(null);
  exported = $state.raw<ExportBundle | null>(null);
  savedRepaired = $state<string | null>(null);
  storage = $state.raw<StorageView | null>(null);
  private client: LabClient;
  private running: AbortController | null = null;
  private readonly runLoop = new RunLoop((state) => (this.runState = state));
  private memoryTimer: ReturnType<typeof setInterval> | null = null;
  private hasAutoOpened = false;
  private readonly givenInUrl = readLesson(location.search).given;

  constructor() {
    this.client = createLabClient((message) => this.showError({ message }), { workerFailed: (detail) => m.error_worker_failed({ detail: detail || m.error_worker_not_loaded() }), messageUnreadable: m.error_worker_message });
  }

  get api() {
    return this.client.api;
  }

  get isBusy(): boolean {
    return this.progress !== null;
  }

  /** Sessions that stopped before deriving (other than the one open here), offered for resume. */
  get resumable() {
    return (this.storage?.sessions ?? []).filter((s) => (s.status === 'running' || s.status === 'paused') && s.id !== this.search?.sessionId);
  }

  async start(requestedBackend: string | null): Promise<void> {
    this.isStarting = true;
    try {
      this.backend = await this.client.api.init({ backend: requestedBackend });
      this.lesson.batchSize = batchSizeFor(this.backend.active, this.lesson, this.givenInUrl);
      await this.refreshMemory();
      this.memoryTimer ??= setInterval(() => void this.refreshMemory(), MEMORY_POLL_MS);
    } catch (err) {
      this.showError(err);
    } finally {
      this.isStarting = false;
    }
    if (this.backend && !this.hasAutoOpened) {
      this.hasAutoOpened = true;
      await this.openDefaults();
    }
  }

  /** Loads the zoo, the dataset list and the sessions, then opens the lesson's model and dataset (demo defaults). */
  private async openDefaults(): Promise<void> {
    await this.busy(m.phase_opening_lesson(), async () => {
      const [demos, datasets] = await Promise.all([this.api.listDemos(), this.api.listDatasets()]);
      this.demos = demos;
      this.datasets = datasets;
    });
    await this.refreshStorage();
    if (this.storage && !this.storage.isPersistent && this.storage.reason) this.addNotice(engineNotice(this.storage.reason));
    if (this.resumable.length > 0) {
      const name = this.resumable[0].name;
      this.addNotice({ id: 'unfinished-search', text: () => m.notice_unfinished({ name }), offersSessions: true });
    }
    if (this.demos.some((d) => d.name === this.lesson.model)) await this.openDemo(this.lesson.model, true);
    if (this.lesson.driftName) await this.reopenDriftSet();
  }

  /** A lesson link names a drift set: reopen it from this browser's cache, or say to drop it. */
  private async reopenDriftSet(): Promise<void> {
    const { driftName, driftCount, driftHash } = this.lesson;
    const view = await this.busy(m.phase_opening_drift_set(), () => this.api.openCachedDriftSet(driftName, driftHash));
    if (view) this.driftSet = view;
    else this.addNotice({ id: `drift-set-${driftName}`, text: () => m.notice_drop_drift_set({ name: driftName, count: driftCount }) });
  }

  /** Switches backend at run time and records the choice in the URL (shareable). */
  async switchBackend(name: string): Promise<void> {
    const url = new URL(location.href);
    if (name) url.searchParams.set('backend', name);
    else url.searchParams.delete('backend');
    history.replaceState(null, '', url);
    await this.start(name || null);
  }

  async refreshMemory(): Promise<void> {
    try {
      this.memory = await this.client.api.memory();
      this.memoryHistory = [...this.memoryHistory.slice(-(MEMORY_SAMPLES - 1)), { numTensors: this.memory.numTensors, numBytes: this.memory.numBytes }];
    } catch {
      // The worker is busy or gone; the fatal handler reports the latter.
    }
  }

  async runEngineCheck(config: Partial<EngineCheckConfig>): Promise<void> {
    this.engineCheck = null;
    const r = await this.runJob((jobId, onProgress) => this.client.api.engineCheck(config, jobId, onProgress));
    if (r) this.engineCheck = r;
  }

  // Model -------------------------------------------------------------------------------

  /** Opens a demo; on first load the lesson's corruption defaults to the card's worst one. */
  async openDemo(name: string, isInitial = false): Promise<void> {
    const view = await this.busy(m.phase_loading({ name }), () => this.api.openDemo(name));
    if (!view) return;
    this.setModel(view);
    const card = view.card;
    if (card && !(isInitial && this.givenInUrl.has('corruption'))) this.lesson.corruption = card.worstCorruption.name;
    const testSet = isInitial && this.lesson.dataset ? this.lesson.dataset : (card?.evaluation.testSet ?? this.lesson.dataset);
    this.lesson.model = name;
    if (testSet && (this.dataset?.info.name !== testSet || !isInitial)) await this.openDataset(testSet);
    this.shareLesson();
  }

  async importModel(files: PickedFile[], save: boolean): Promise<void> {
    const payload = files.map((f) => ({ name: f.path, bytes: f.bytes }));
    const view = await this.busy(m.phase_checking_model(), () => this.api.importModel(payload, save));
    if (view) this.setModel(view);
    if (view && save) await this.refreshSavedModels();
  }

  async openSavedModel(id: string): Promise<void> {
    const view = await this.busy(m.phase_opening_saved(), () => this.api.openSavedModel(id));
    if (view) this.setModel(view);
  }

  async saveModel(): Promise<void> {
    const view = await this.busy(m.phase_saving_model(), () => this.api.saveModel());
    if (view) this.model = view;
    await this.refreshSavedModels();
  }

  async refreshSavedModels(): Promise<void> {
    this.savedModels = (await this.busy('', () => this.api.listSavedModels())) ?? [];
  }

  async editBlocks(edit: { kind: 'merge'; index: number } | { kind: 'split'; index: number; atLayer: string } | { kind: 'reset' }): Promise<void> {
    const view = await this.busy(m.phase_editing_blocks(), () => this.api.editBlocks(edit));
    if (view) this.setModel(view, false);
  }

  private setModel(view: ModelView, isNew = true): void {
    this.model = view;
    this.selectedBlock = null;
    if (isNew) this.lesson.model = view.name;
    this.clearRepair();
  }

  // Data --------------------------------------------------------------------------------

  async openDataset(name: string): Promise<void> {
    const view = await this.runJob((jobId, onProgress) => this.api.openDataset(name, jobId, onProgress));
    if (!view) return;
    this.dataset = view;
    this.lesson.dataset = name;
    this.grid = null;
    this.clearRepair();
    this.shareLesson();
  }

  async importDataset(files: FileRef[]): Promise<void> {
    const view = await this.runJob((jobId, onProgress) => this.api.importDataset(files, jobId, onProgress));
    if (!view) return;
    this.dataset = view;
    this.lesson.dataset = view.info.name;
    this.grid = null;
    this.clearRepair();
    this.datasets = (await this.busy('', () => this.api.listDatasets())) ?? this.datasets;
  }

  /** Loads the user's own drifted images for the open model (progress per decoded image); a refused set changes nothing. */
  async importDriftSet(files: FileRef[]): Promise<void> {
    const view = await this.runJob((jobId, onProgress) => this.api.importDriftSet(files, jobId, onProgress));
    if (!view) return;
    this.driftSet = view;
    this.chooseDriftSource('own');
  }

  /** Switches the drift between the corruption and the user's drift set; the lesson (and its link) records which. */
  chooseDriftSource(source: DriftSource): void {
    this.driftSource = source;
    const id = source === 'own' ? this.driftSet?.identity : null;
    this.lesson.driftName = id?.name ?? '';
    this.lesson.driftCount = id?.count ?? 0;
    this.lesson.driftHash = id?.hash ?? '';
    this.clearRepair();
    this.shareLesson();
  }

  async showCorruptionGrid(perCell = 2): Promise<void> {
    this.grid = await this.busy(m.phase_corrupting(), () => this.api.corruptionGrid(perCell, this.lesson.seed));
  }

  async collectFailures(): Promise<void> {
    this.clearRepair();
    if (this.driftSource === 'own' && !this.driftSet) {
      this.showError({ message: m.err_no_drift_set(), field: 'drift set', fix: m.err_no_drift_set_fix() });
      return;
    }
    const settings = $state.snapshot(this.lesson);
    const view = await this.runJob((jobId, onProgress) => this.api.collectFailures(settings, jobId, onProgress));
    if (view) this.failures = view;
    this.shareLesson();
  }

  // Localize ----------------------------------------------------------------------------

  async localize(evaluate = false): Promise<void> {
    if (!this.failures) await this.collectFailures();
    if (!this.failures) return;
    const r = await this.runJob((jobId, onProgress) => this.api.localize(evaluate, jobId, onProgress));
    if (!r) return;
    this.localization = r.localization;
    if (r.evaluation) this.evaluation = r.evaluation;
    this.selectedBlock = r.localization.chosenBlock;
    this.clearSearch();
  }

  async chooseBlock(index: number): Promise<void> {
    const view = await this.busy(m.phase_choosing_block(), async () => this.api.chooseBlock(index));
    if (!view) return;
    this.localization = { ...view, adversarial: this.localization?.adversarial };
    this.selectedBlock = view.chosenBlock;
    this.clearSearch();
  }

  // Search ------------------------------------------------------------------------------

  /** Builds the repair data and a fresh supernet (also used to reset). */
  async startSearch(): Promise<void> {
    if (!this.localization) await this.localize();
    if (!this.localization) return;
    this.clearSearch();
    const settings = $state.snapshot(this.lesson);
    const info = await this.runJob((jobId, onProgress) => this.api.startSearch(settings, jobId, onProgress));
    if (!info) return;
    this.search = info;
    this.live = { label: m.live_initial_random, alphaSoftmax: info.alphaSoftmax, genotype: info.genotype };
    if (!info.isPersistent) this.addNotice({ id: 'memory-only', text: m.notice_memory_only });
    void this.refreshStorage();
  }

  /** One epoch; false when it failed or was cancelled. */
  async stepEpoch(): Promise<boolean> {
    if (!this.search) await this.startSearch();
    if (!this.search) return false;
    const view = await this.runJob((jobId, onProgress) => this.api.searchEpoch(jobId, onProgress));
    if (!view) return false;
    this.history = [...this.history, view.metrics];
    this.halfSteps = [];
    const epoch = view.metrics.epoch;
    const { ok, message } = view.checkpoint;
    this.live = { label: () => m.live_after_epoch({ epoch }), alphaSoftmax: view.metrics.alphaSoftmax, genotype: view.metrics.genotype };
    this.lastCheckpoint = () => (ok ? (message ? m.checkpoint_saved_note({ epoch, note: message }) : m.checkpoint_saved({ epoch })) : m.checkpoint_not_saved({ reason: message ?? '' }));
    return true;
  }

  /** One α-only or weights-only update, drawn on the live views. */
  async halfStep(kind: 'alpha' | 'weights'): Promise<void> {
    if (!this.search) await this.startSearch();
    if (!this.search) return;
    const view = await this.busy(kind === 'alpha' ? m.phase_alpha_step() : m.phase_weight_step(), () => (kind === 'alpha' ? this.api.stepAlpha() : this.api.stepWeights()));
    if (!view) return;
    this.halfSteps = [...this.halfSteps, view];
    const epoch = this.history.at(-1)?.epoch ?? 0;
    const count = this.halfSteps.length;
    const last = () => (kind === 'alpha' ? 'α' : m.live_last_weights());
    this.live = { label: () => (count > 1 ? m.live_half_steps_other : m.live_half_steps_one)({ epoch, count, last: last() }), alphaSoftmax: view.alphaSoftmax, genotype: view.genotype };
  }

  /** Runs `count` epochs, or (mode 'converge') until the validation accuracy stops improving; pause stops after the running epoch. */
  async run(mode: 'epochs' | 'converge', count: number): Promise<void> {
    const best = Math.max(-1, ...this.history.map((metrics) => metrics.accValidation));
    const { end } = await this.runLoop.run(mode, count, best, async () => ((await this.stepEpoch()) ? this.history.at(-1)!.accValidation : null));
    if (end === 'paused') await this.api.pauseSession().catch(() => undefined);
    if (end === 'converged') {
      const n = this.runLoop.patience;
      this.addNotice({ id: `converged-${Date.now()}`, text: () => m.notice_converged({ n }) });
    }
    void this.refreshStorage();
  }

  /** Epochs left of the lesson's plan. */
  get epochsLeft(): number {
    return Math.max(1, this.lesson.epochs - this.history.length);
  }

  pause(): void {
    this.runLoop.pause();
  }

  async derive(): Promise<void> {
    if (!this.search) return;
    const view = await this.runJob((jobId, onProgress) => this.api.derive(jobId, onProgress));
    if (!view) return;
    this.derived = view;
    this.results = null;
    this.exported = null;
    void this.refreshStorage();
  }

  // Results and export ------------------------------------------------------------------

  async evaluate(): Promise<void> {
    const includeSuite = this.lesson.includeSuite;
    const view = await this.runJob((jobId, onProgress) => this.api.evaluate(includeSuite, jobId, onProgress));
    if (view) this.results = view;
  }

  async runBaselines(): Promise<void> {
    const view = await this.runJob((jobId, onProgress) => this.api.runBaselines(jobId, onProgress));
    if (view) this.results = view;
  }

  async prepareExport(): Promise<void> {
    this.exported = await this.busy(m.phase_writing_files(), () => this.api.exportFiles());
  }

  async saveRepaired(): Promise<void> {
    const r = await this.busy(m.phase_saving_browser(), () => this.api.saveRepaired());
    if (r) this.savedRepaired = r.name;
    await this.refreshSavedModels();
  }

  // Sessions ----------------------------------------------------------------------------

  async refreshStorage(): Promise<void> {
    try {
      this.storage = await this.api.storage();
      for (const w of this.storage.warnings) this.addNotice(engineNotice(w));
    } catch (err) {
      this.showError(err);
    }
  }

  async resumeSession(id: string): Promise<void> {
    const view = await this.runJob((jobId, onProgress) => this.api.resumeSession(id, jobId, onProgress));
    if (!view) return;
    this.model = view.model;
    this.dataset = view.dataset;
    this.failures = view.failures;
    this.localization = view.localization;
    this.selectedBlock = view.search.blockIndex;
    this.evaluation = null;
    this.lesson = { ...this.lesson, ...view.config, driftName: view.config.driftName ?? '', driftCount: view.config.driftCount ?? 0, driftHash: view.config.driftHash ?? '', model: view.model.name, dataset: view.dataset.info.name };
    if (view.driftSet) this.driftSet = view.driftSet;
    this.driftSource = view.driftSet ? 'own' : 'corruption';
    this.clearSearch();
    this.search = view.search;
    this.history = view.history;
    const last = view.history.at(-1);
    this.live = last ? { label: () => m.live_after_epoch_resumed({ epoch: last.epoch }), alphaSoftmax: last.alphaSoftmax, genotype: last.genotype } : { label: m.live_initial, alphaSoftmax: view.search.alphaSoftmax, genotype: view.search.genotype };
    this.notices = this.notices.filter((n) => !n.offersSessions);
    this.step = 'search';
    this.shareLesson();
    await this.refreshStorage();
  }

  async renameSession(id: string, name: string): Promise<void> {
    await this.busy(m.phase_renaming(), () => this.api.renameSession(id, name));
    await this.refreshStorage();
  }

  async deleteSession(id: string): Promise<void> {
    await this.busy(m.phase_deleting(), () => this.api.deleteSession(id));
    await this.refreshStorage();
  }

  async exportSession(id: string): Promise<Uint8Array | null> {
    return this.busy(m.phase_writing_session(), () => this.api.exportSession(id));
  }

  async importSession(files: PickedFile[]): Promise<void> {
    for (const f of files) {
      const r = await this.busy(m.phase_reading_session(), () => this.api.importSession(f.bytes));
      if (r) {
        const { name, checkpointCount, warnings } = r;
        this.addNotice({ id: `imported-${name}-${Date.now()}`, text: () => [m.notice_imported_session({ name, count: checkpointCount }), ...warnings].join(' ') });
      }
    }
    await this.refreshStorage();
  }

  /** Asks the browser to keep the lab's storage (pages only: workers cannot). */
  async requestPersistence(): Promise<void> {
    const { requestPersistence } = await import('../../store/storage');
    const r = await requestPersistence();
    const reason = r.reason ?? '';
    this.addNotice({ id: `persistence-${Date.now()}`, text: () => (r.persisted ? m.notice_storage_persistent() : m.notice_storage_not_persistent({ reason })) });
  }

  // Shared ------------------------------------------------------------------------------

  /** Writes the lesson into the URL (replaceState), so the address bar is always a shareable link. */
  shareLesson(): void {
    history.replaceState(null, '', writeLesson(new URL(location.href), $state.snapshot(this.lesson), currentLocale()));
  }

  cancel(): void {
    this.running?.abort();
  }

  showError(err: unknown): void {
    const e = err as { message?: string; field?: string; file?: string; fix?: string; name?: string; code?: string; params?: ErrorParams };
    if (e?.name === 'CancelledError') return;
    const words = errorWords({ message: e?.message ?? String(err), fix: e?.fix, code: e?.code, params: e?.params });
    this.errors = [...this.errors, { id: ++nextErrorId, message: words.message, field: e?.field, file: e?.file, fix: words.fix }];
  }

  dismissError(id: number): void {
    this.errors = this.errors.filter((e) => e.id !== id);
  }

  dismissNotice(index: number): void {
    this.notices = this.notices.filter((_, i) => i !== index);
  }

  /** Adds a note unless one with the same id is shown. */
  private addNotice(notice: Notice): void {
    if (!this.notices.some((n) => n.id === notice.id)) this.notices = [...this.notices, notice];
  }

  private clearRepair(): void {
    this.failures = null;
    this.localization = null;
    this.evaluation = null;
    this.clearSearch();
  }

  private clearSearch(): void {
    this.search = null;
    this.history = [];
    this.halfSteps = [];
    this.live = null;
    this.lastCheckpoint = null;
    this.derived = null;
    this.results = null;
    this.exported = null;
    this.savedRepaired = null;
  }

  /** A short call with an indeterminate progress line; errors become panels. */
  private async busy<T>(phase: string, call: () => Promise<T>): Promise<T | null> {
    if (phase) this.begin({ phase, done: 0, total: 1, etaMs: null });
    try {
      return await call();
    } catch (err) {
      this.showError(err);
      return null;
    } finally {
      if (phase) this.end();
    }
  }

  /** Calls in flight; the progress line goes away only when the last one ends. */
  private active = 0;

  private begin(progress: Progress): void {
    this.active++;
    this.progress = progress;
  }

  private end(): void {
    this.active = Math.max(0, this.active - 1);
    if (this.active === 0) this.progress = null;
  }

  private async runJob<T>(call: (jobId: string, onProgress: (p: Progress) => void) => Promise<T>): Promise<T | null> {
    const controller = new AbortController();
    this.running = controller;
    this.begin({ phase: m.phase_starting(), done: 0, total: 1, etaMs: null });
    try {
      return await this.client.job(call, { signal: controller.signal, onProgress: (p) => (this.progress = p) });
    } catch (err) {
      this.showError(err);
      return null;
    } finally {
      this.end();
      this.running = null;
      void this.refreshMemory();
    }
  }
}

/** A note worded by the engine (storage warnings): shown as the engine wrote it. */
function engineNotice(text: string): Notice {
  return { id: text, text: () => text };
}

import type * as tf from '@tensorflow/tfjs';
import { disposeModel } from '../core/model/load';
import type { ValidatedModel } from '../core/model/validate';
import type { ModelCard } from '../core/data/model-card';
import type { Dataset } from '../core/data/dataset';
import type { DatasetIdentity } from '../core/data/identity';
import type { RepairSession } from '../core/repair/session';
import type { Evaluation } from '../core/repair/evaluate';
import type { RepairReport, ModelResult } from '../core/repair/report';
import type { BlockGraph } from '../core/types';
import type { BlockOverride } from '../store';
import type { DatasetInfo, ModelSource } from './lab-types';

/** The model the lab works on, with everything derived from its files. */
export interface WorkspaceModel {
  model: tf.LayersModel;
  validated: ValidatedModel;
  /** The automatic block partition. */
  baseGraph: BlockGraph;
  /** The partition after the user's merges and splits (what localization and search use). */
  graph: BlockGraph;
  overrides: BlockOverride[];
  card: ModelCard | null;
  modelId: string;
  source: ModelSource;
  /** model.json and shards as given (to save into IndexedDB). */
  files: { name: string; bytes: Uint8Array }[];
  isSaved: boolean;
}

/** Results of the evaluation of a repaired model (kept for report and export). */
export interface WorkspaceResults {
  original: Evaluation;
  repaired: Evaluation;
  results: ModelResult[];
  timings: Record<string, number>;
  report: RepairReport | null;
}

/**
 * The worker's one workspace: current model, dataset, repair session and its results. Each
 * setter disposes what the new value replaces, so tensors never leak across lessons.
 */
export class Workspace {
  current: WorkspaceModel | null = null;
  dataset: Dataset | null = null;
  datasetInfo: DatasetInfo | null = null;
  /** Clean training images for D_repair: the bundled training split of a bundled test set (null: none). */
  training: Dataset | null = null;
  /** The user's own drifted images, fitted to the model they were dropped for (null: none dropped). */
  drift: { dataset: Dataset; identity: DatasetIdentity; conversions: string[] } | null = null;
  session: RepairSession | null = null;
  /** IndexedDB id of the session's record, null before the search starts. */
  sessionId: string | null = null;
  results: WorkspaceResults | null = null;
  /** Phase timings of the session (ms), for the report. */
  timings: Record<string, number> = {};

  setModel(next: WorkspaceModel): void {
    this.clearSession();
    if (this.current && this.current.model !== next.model) disposeModel(this.current.model);
    this.current = next;
  }

  setDataset(ds: Dataset, info: DatasetInfo, training: Dataset | null = null): void {
    this.clearSession();
    this.dataset = ds;
    this.datasetInfo = info;
    this.training = training;
  }

  /** A new drift set ends the session built on the old one. */
  setDrift(next: NonNullable<Workspace['drift']>): void {
    this.clearSession();
    this.drift = next;
  }

  setSession(session: RepairSession): void {
    this.clearSession();
    this.session = session;
  }

  /** Drops the repair session, its search and any repaired model. */
  clearSession(): void {
    this.session?.dispose();
    this.session = null;
    this.sessionId = null;
    this.results = null;
    this.timings = {};
  }

  /** Times `work` under `name` in `timings`. */
  async timed<T>(name: string, work: () => Promise<T>): Promise<T> {
    const t0 = performance.now();
    try {
      return await work();
    } finally {
      this.timings[name] = Math.round(performance.now() - t0) + (this.timings[name] ?? 0);
    }
  }
}

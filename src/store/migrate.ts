/** Pure record conversions from schema version 1 to the current format (used by the upgrade). */
import type { TensorData } from '../core/types';
import { RECORD_VERSION, tensorBytes, type CheckpointRecord, type CheckpointSummary, type DatasetRecord, type ModelRecord, type SessionRecord } from './records';
import type { CheckpointRecordV1, DatasetRecordV1, ModelRecordV1, SessionRecordV1 } from './schema';
import { checkCheckpoint, checkDataset, checkModel, checkSession } from './validate';

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The summary a session keeps of one checkpoint. */
export function summaryOf(c: CheckpointRecord): CheckpointSummary {
  return { epoch: c.epoch, accValidation: c.accValidation, sizeBytes: c.sizeBytes, savedAt: c.savedAt };
}

/** V1 flat weights ('supernet/x', 'finetune/x', 'opt/x') → the three V2 maps; null if unknown prefix. */
function splitWeights(weights: Record<string, TensorData>): Pick<CheckpointRecord, 'supernet' | 'fineTune' | 'optimizer'> | null {
  const out = { supernet: {} as Record<string, TensorData>, fineTune: {} as Record<string, TensorData>, optimizer: {} as Record<string, TensorData> };
  const target = { supernet: out.supernet, finetune: out.fineTune, opt: out.optimizer } as Record<string, Record<string, TensorData>>;
  for (const [key, tensor] of Object.entries(weights)) {
    const slash = key.indexOf('/');
    const map = slash > 0 ? target[key.slice(0, slash)] : undefined;
    if (!map) return null;
    map[key.slice(slash + 1)] = tensor;
  }
  return out;
}

/** A V1 checkpoint in the current format, or null when it cannot be converted. */
export function checkpointFromV1(value: unknown): CheckpointRecord | null {
  if (!isObj(value) || !isObj(value.weights)) return null;
  const old = value as unknown as CheckpointRecordV1;
  const maps = splitWeights(old.weights);
  if (!maps) return null;
  const sizeBytes = tensorBytes(maps.supernet) + tensorBytes(maps.fineTune) + tensorBytes(maps.optimizer) + (old.alpha?.data?.byteLength ?? 0);
  const next: CheckpointRecord = {
    v: RECORD_VERSION,
    sessionId: old.sessionId,
    epoch: old.epoch,
    alpha: old.alpha,
    ...maps,
    counters: {},
    rngState: old.rngState,
    timings: old.timings,
    accValidation: old.accValidation,
    sizeBytes,
    // V1 kept no save time; the epoch order is what matters for pruning.
    savedAt: 0,
  };
  return checkCheckpoint(next).ok ? next : null;
}

/** A V1 session in the current format; `modelNames` maps model ids to names. */
export function sessionFromV1(value: unknown, summaries: CheckpointSummary[], modelNames: Map<string, string>): SessionRecord | null {
  if (!isObj(value) || !Array.isArray(value.history)) return null;
  const old = value as unknown as SessionRecordV1;
  const accuracies = old.history.map((m) => m?.accValidation).filter((a): a is number => typeof a === 'number');
  const next: SessionRecord = {
    ...old,
    v: RECORD_VERSION,
    name: `${old.modelId} on ${old.datasetName}`,
    modelName: modelNames.get(old.modelId) ?? old.modelId,
    bestAccuracy: accuracies.length > 0 ? Math.max(...accuracies) : null,
    createdAt: old.updatedAt,
    owner: null,
    checkpoints: [...summaries].sort((a, b) => a.epoch - b.epoch),
  };
  return checkSession(next).ok ? next : null;
}

/** A V1 model in the current format (no block overrides existed). */
export function modelFromV1(value: unknown): ModelRecord | null {
  if (!isObj(value)) return null;
  const next: ModelRecord = { ...(value as unknown as ModelRecordV1), v: RECORD_VERSION, blockOverrides: [] };
  return checkModel(next).ok ? next : null;
}

/** A V1 dataset (always float32) in the current format. */
export function datasetFromV1(value: unknown): DatasetRecord | null {
  if (!isObj(value)) return null;
  const next: DatasetRecord = { ...(value as unknown as DatasetRecordV1), v: RECORD_VERSION, imageDtype: 'float32', cachedAt: 0 };
  return checkDataset(next).ok ? next : null;
}

/** Imported tfjs models in the `models` store (model.json + shards, byte for byte). */
import { LabError } from '../core/errors';
import { abortQuietly, type LabDb } from './db';
import { RECORD_VERSION, type BlockOverride, type ModelRecord } from './records';
import { newId } from './sessions';
import { checkModel, skipWarning } from './validate';

/** One row of the model list (no file bytes). */
export interface ModelSummary {
  id: string;
  name: string;
  fileNames: string[];
  sizeBytes: number;
  blockOverrides: BlockOverride[];
  createdAt: number;
}

/** Stores a model's files (model.json + shards); returns the record. LabError if there are none. */
export async function putModel(
  db: LabDb,
  input: { id?: string; name: string; files: { name: string; bytes: ArrayBuffer }[]; blockOverrides?: BlockOverride[] },
  now = Date.now(),
): Promise<ModelRecord> {
  if (input.files.length === 0) throw new LabError('A model needs at least its model.json.', { field: 'files', fix: 'Drop model.json together with its .bin files.' });
  const record: ModelRecord = { v: RECORD_VERSION, id: input.id ?? newId(), name: input.name, files: input.files, blockOverrides: input.blockOverrides ?? [], createdAt: now };
  await db.put('models', record);
  return record;
}

/** One model with its files, or null if missing or unreadable (a warning says why). */
export async function getModel(db: LabDb, id: string): Promise<{ model: ModelRecord | null; warnings: string[] }> {
  const value: unknown = await db.get('models', id);
  if (value === undefined) return { model: null, warnings: [] };
  const checked = checkModel(value);
  return checked.ok ? { model: checked.value, warnings: [] } : { model: null, warnings: [skipWarning('models', id, checked)] };
}

/** All readable models, newest first, without their bytes; bad records become warnings. */
export async function listModels(db: LabDb): Promise<{ models: ModelSummary[]; warnings: string[] }> {
  const tx = db.transaction('models');
  const [keys, values] = await Promise.all([tx.store.getAllKeys(), tx.store.getAll() as Promise<unknown[]>]);
  const models: ModelSummary[] = [];
  const warnings: string[] = [];
  values.forEach((value, i) => {
    const checked = checkModel(value);
    if (!checked.ok) return void warnings.push(skipWarning('models', keys[i], checked));
    const m = checked.value;
    const sizeBytes = m.files.reduce((sum, f) => sum + f.bytes.byteLength, 0);
    models.push({ id: m.id, name: m.name, fileNames: m.files.map((f) => f.name), sizeBytes, blockOverrides: m.blockOverrides, createdAt: m.createdAt });
  });
  models.sort((a, b) => b.createdAt - a.createdAt);
  return { models, warnings };
}

/** Replaces a model's block merges/splits; false if the model is missing or unreadable. */
export async function setBlockOverrides(db: LabDb, id: string, blockOverrides: BlockOverride[]): Promise<boolean> {
  const tx = db.transaction('models', 'readwrite');
  const checked = checkModel(await tx.store.get(id));
  if (!checked.ok) {
    await abortQuietly(tx);
    return false;
  }
  await tx.store.put({ ...checked.value, blockOverrides });
  await tx.done;
  return true;
}

/** Deletes a model (sessions that used it keep their own copy of its name). */
export async function deleteModel(db: LabDb, id: string): Promise<void> {
  await db.delete('models', id);
}

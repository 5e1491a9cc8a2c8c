/**
 * A session as one file, so a teacher can hand a half-finished search to a class.
 * Layout: 8-byte magic 'ARLABSES' | uint32 LE format version | uint32 LE header length |
 * header JSON (UTF-8) | tensor and model-file bytes back to back. The header holds the session,
 * its checkpoints with every tensor replaced by {shape, dtype, offset, byteLength} into the byte
 * area, and optionally the model with its files referenced the same way.
 */
import { LabError } from '../core/errors';
import type { TensorData } from '../core/types';
import { abortQuietly, type LabDb } from './db';
import { summaryOf } from './migrate';
import type { CheckpointRecord, ModelRecord, SessionRecord } from './records';
import { newId } from './sessions';
import { checkCheckpoint, checkModel, checkSession } from './validate';

const MAGIC = 'ARLABSES';
/** Version of the file layout written by exportSession. */
export const SESSION_FILE_VERSION = 1;
const FILE = 'session file';

interface Ref { offset: number; byteLength: number }
type TensorRef = Omit<TensorData, 'data'> & Ref;
type Tensors<T> = { alpha: T; supernet: Record<string, T>; fineTune: Record<string, T>; optimizer: Record<string, T> };

interface FileHeader {
  kind: 'archrepair-lab session';
  exportedAt: number;
  session: SessionRecord;
  checkpoints: (Omit<CheckpointRecord, keyof Tensors<unknown>> & Tensors<TensorRef>)[];
  model: (Omit<ModelRecord, 'files'> & { files: ({ name: string } & Ref)[] }) | null;
}

/** Applies `f` to every tensor of a checkpoint, keeping the other fields. */
function mapTensors<A, B, R extends Tensors<A>>(c: R, f: (t: A, field: string) => B): Omit<R, keyof Tensors<A>> & Tensors<B> {
  // A non-object passes through untouched, so the record check names it afterwards.
  const map = (rec: Record<string, A>, field: string): Record<string, B> =>
    typeof rec === 'object' && rec !== null ? Object.fromEntries(Object.entries(rec).map(([k, t]) => [k, f(t, `${field}.${k}`)])) : (rec as unknown as Record<string, B>);
  return { ...c, alpha: f(c.alpha, 'alpha'), supernet: map(c.supernet, 'supernet'), fineTune: map(c.fineTune, 'fineTune'), optimizer: map(c.optimizer, 'optimizer') };
}

function bad(field: string, message: string, fix = 'Export the session again from ArchRepair Lab and import that file.'): LabError {
  return new LabError(message, { file: FILE, field, fix });
}

/** The session, its checkpoints and (by default) its model as one file's bytes. LabError if missing. */
export async function exportSession(db: LabDb, id: string, options: { includeModel?: boolean; now?: number } = {}): Promise<Uint8Array> {
  // One read-only transaction: a consistent snapshot even while the search keeps writing.
  const tx = db.transaction(['sessions', 'checkpoints', 'models'], 'readonly');
  const checked = checkSession(await tx.objectStore('sessions').get(id));
  if (!checked.ok) throw new LabError(`Session ${id} is missing or unreadable, so it cannot be exported.`, { field: 'id', fix: 'Pick another session.' });
  const keys = await tx.objectStore('checkpoints').index('by-session').getAllKeys(id);
  const checkpoints: CheckpointRecord[] = [];
  for (const key of keys) {
    const c = checkCheckpoint(await tx.objectStore('checkpoints').get(key));
    if (c.ok) checkpoints.push(c.value);
  }
  const modelChecked = options.includeModel === false ? null : checkModel(await tx.objectStore('models').get(checked.value.modelId));
  await tx.done;

  const parts: Uint8Array[] = [];
  let offset = 0;
  const ref = (data: ArrayBuffer): Ref => {
    parts.push(new Uint8Array(data));
    offset += data.byteLength;
    return { offset: offset - data.byteLength, byteLength: data.byteLength };
  };
  const header: FileHeader = {
    kind: 'archrepair-lab session',
    exportedAt: options.now ?? Date.now(),
    session: { ...checked.value, owner: null },
    checkpoints: checkpoints.map((c) => mapTensors(c, (t: TensorData) => ({ shape: t.shape, dtype: t.dtype, ...ref(t.data) }))),
    model: modelChecked?.ok ? { ...modelChecked.value, files: modelChecked.value.files.map((f) => ({ name: f.name, ...ref(f.bytes) })) } : null,
  };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(16 + json.length + offset);
  out.set(new TextEncoder().encode(MAGIC), 0);
  const view = new DataView(out.buffer);
  view.setUint32(8, SESSION_FILE_VERSION, true);
  view.setUint32(12, json.length, true);
  out.set(json, 16);
  let at = 16 + json.length;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function parseHeader(bytes: Uint8Array): { header: Record<string, unknown>; blob: Uint8Array } {
  if (bytes.length < 16 || new TextDecoder().decode(bytes.subarray(0, 8)) !== MAGIC) {
    throw bad('magic', 'This is not an ArchRepair Lab session file.', 'Pick a file made with "Export session" in ArchRepair Lab.');
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(8, true);
  if (version !== SESSION_FILE_VERSION) {
    throw bad('version', `The session file has format ${version}; this lab reads format ${SESSION_FILE_VERSION}.`, 'Open it with the version of ArchRepair Lab that exported it, or update this one.');
  }
  const length = view.getUint32(12, true);
  if (16 + length > bytes.length) throw bad('header', 'The session file is cut short (its header runs past the end).');
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(16, 16 + length)));
  } catch {
    throw bad('header', 'The session file header is not valid JSON.');
  }
  if (typeof header !== 'object' || header === null || (header as { kind?: unknown }).kind !== 'archrepair-lab session') {
    throw bad('header.kind', 'The session file header is not an ArchRepair Lab session.');
  }
  return { header: header as Record<string, unknown>, blob: bytes.subarray(16 + length) };
}

function sliceRef(blob: Uint8Array, value: unknown, field: string): ArrayBuffer {
  const r = (value ?? {}) as Partial<Ref>;
  const { offset, byteLength } = r;
  if (!Number.isInteger(offset) || !Number.isInteger(byteLength) || offset! < 0 || byteLength! < 0 || offset! + byteLength! > blob.length) {
    throw bad(field, `The session file's ${field} points outside the file (it is damaged or cut short).`);
  }
  return blob.slice(offset!, offset! + byteLength!).buffer;
}

function checked<T>(result: { ok: true; value: T } | { ok: false; field: string; problem: string }): T {
  if (!result.ok) throw bad(result.field, `The session file's ${result.field} ${result.problem}.`);
  return result.value;
}

/** What importSession stored. */
export interface ImportResult {
  sessionId: string;
  name: string;
  checkpointCount: number;
  /** The model the session uses, null when it was neither in the file nor in storage. */
  modelId: string | null;
  modelImported: boolean;
  warnings: string[];
}

/** Validates a session file and stores it (new id if the id is taken); LabError naming what is wrong. */
export async function importSession(db: LabDb, bytes: Uint8Array, now = Date.now()): Promise<ImportResult> {
  const { header, blob } = parseHeader(bytes);
  const session = checked(checkSession(header.session, 'session.'));
  if (!Array.isArray(header.checkpoints)) throw bad('checkpoints', 'The session file has no checkpoint list.');
  const checkpoints = header.checkpoints.map((raw: unknown, i) => {
    const path = `checkpoints[${i}]`;
    if (typeof raw !== 'object' || raw === null) throw bad(path, `The session file's ${path} is not an object.`);
    const rebuilt = mapTensors(raw as Tensors<unknown>, (t, field) => {
      if (typeof t !== 'object' || t === null) throw bad(`${path}.${field}`, `The session file's ${path}.${field} is not a tensor.`);
      const { offset: _o, byteLength: _b, ...rest } = t as Record<string, unknown>;
      return { ...rest, data: sliceRef(blob, t, `${path}.${field}`) };
    });
    const c = checked(checkCheckpoint(rebuilt, `${path}.`));
    if (c.sessionId !== session.id) throw bad(`${path}.sessionId`, `The session file's ${path} belongs to another session.`);
    return c;
  });
  if (new Set(checkpoints.map((c) => c.epoch)).size !== checkpoints.length) throw bad('checkpoints', 'The session file holds two checkpoints of the same epoch.');
  let model: ModelRecord | null = null;
  if (header.model !== null && header.model !== undefined) {
    const raw = header.model as { files?: unknown };
    if (!Array.isArray(raw.files)) throw bad('model.files', "The session file's model has no file list.");
    const files = raw.files.map((f: { name?: unknown }, i) => ({ name: f?.name, bytes: sliceRef(blob, f, `model.files[${i}]`) }));
    model = checked(checkModel({ ...raw, files }, 'model.'));
    if (model.id !== session.modelId) throw bad('model.id', "The session file's model is not the one its session uses.");
  }
  return store(db, session, checkpoints, model, now);
}

async function store(db: LabDb, session: SessionRecord, checkpoints: CheckpointRecord[], model: ModelRecord | null, now: number): Promise<ImportResult> {
  const warnings: string[] = [];
  const tx = db.transaction(['sessions', 'checkpoints', 'models'], 'readwrite');
  try {
    const taken = (await tx.objectStore('sessions').get(session.id)) !== undefined;
    const id = taken ? newId() : session.id;
    const name = taken ? `${session.name} (imported)` : session.name;
    const hasModel = (await tx.objectStore('models').get(session.modelId)) !== undefined;
    const modelImported = model !== null && !hasModel;
    if (modelImported) await tx.objectStore('models').put(model!);
    if (!hasModel && !model) warnings.push(`The model ${session.modelName} is not in the file; import it before resuming.`);
    const stored = checkpoints.map((c) => ({ ...c, sessionId: id })).sort((a, b) => a.epoch - b.epoch);
    for (const c of stored) await tx.objectStore('checkpoints').put(c);
    // Nobody runs an imported session yet; summaries come from what was actually imported.
    const status = session.status === 'running' ? 'paused' : session.status;
    await tx.objectStore('sessions').put({ ...session, id, name, status, owner: null, updatedAt: now, checkpoints: stored.map(summaryOf) });
    await tx.done;
    return { sessionId: id, name, checkpointCount: stored.length, modelId: hasModel || model ? session.modelId : null, modelImported, warnings };
  } catch (err) {
    await abortQuietly(tx);
    throw new LabError(`The session could not be stored (${String(err)}).`, { file: FILE, field: 'storage', fix: 'Free some space (delete old sessions) and import again.' });
  }
}

import { describe, expect, it } from 'vitest';
import { BACKENDS, bytes, checkpointInput, newSession } from './helpers';
import { exportSession, importSession } from '../../../src/store/session-file';
import { createSession, getSession } from '../../../src/store/sessions';
import { getCheckpoint, latestCheckpoint, putCheckpoint } from '../../../src/store/checkpoints';
import { getModel, putModel } from '../../../src/store/models';
import { LabError } from '../../../src/core/errors';
import type { LabDb } from '../../../src/store/db';

async function sessionWithCheckpoints(db: LabDb): Promise<void> {
  await putModel(db, { id: 'm1', name: 'demo-cnn', files: [{ name: 'model.json', bytes: new TextEncoder().encode('{"a":1}').buffer }, { name: 'w.bin', bytes: new Uint8Array([1, 2, 3, 4]).buffer }] });
  await createSession(db, newSession('s1'));
  for (const e of [1, 2]) await putCheckpoint(db, checkpointInput('s1', e, 0.6 + e / 10));
}

function header(file: Uint8Array): Record<string, unknown> {
  const length = new DataView(file.buffer, file.byteOffset).getUint32(12, true);
  return JSON.parse(new TextDecoder().decode(file.subarray(16, 16 + length)));
}

/** The file with its header replaced by `edit(header)` (byte area unchanged). */
function withHeader(file: Uint8Array, edit: (h: Record<string, unknown>) => void): Uint8Array {
  const h = header(file);
  const oldLength = new DataView(file.buffer, file.byteOffset).getUint32(12, true);
  edit(h);
  const json = new TextEncoder().encode(JSON.stringify(h));
  const out = new Uint8Array(16 + json.length + file.length - 16 - oldLength);
  out.set(file.subarray(0, 16));
  new DataView(out.buffer).setUint32(12, json.length, true);
  out.set(json, 16);
  out.set(file.subarray(16 + oldLength), 16 + json.length);
  return out;
}

async function rejection(p: Promise<unknown>): Promise<LabError> {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(LabError);
  expect((err as LabError).file).toBe('session file');
  return err as LabError;
}

describe.each(BACKENDS)('session files ($name)', ({ open }) => {
  it('exports and imports a session, its checkpoints and model byte for byte', async () => {
    const source = await open();
    await sessionWithCheckpoints(source);
    const file = await exportSession(source, 's1');
    expect(new TextDecoder().decode(file.subarray(0, 8))).toBe('ARLABSES');

    const target = await open();
    const result = await importSession(target, file, 9000);
    expect(result).toMatchObject({ sessionId: 's1', checkpointCount: 2, modelId: 'm1', modelImported: true, warnings: [] });
    const imported = (await getSession(target, 's1')).session!;
    const original = (await getSession(source, 's1')).session!;
    expect(imported).toEqual({ ...original, status: 'paused', updatedAt: 9000 });
    for (const e of [1, 2]) {
      const a = (await getCheckpoint(source, 's1', e)).checkpoint!;
      const b = (await getCheckpoint(target, 's1', e)).checkpoint!;
      expect(bytes(b.alpha.data)).toEqual(bytes(a.alpha.data));
      for (const k of Object.keys(a.supernet)) expect(bytes(b.supernet[k].data)).toEqual(bytes(a.supernet[k].data));
      for (const k of Object.keys(a.optimizer)) expect(b.optimizer[k]).toMatchObject({ shape: a.optimizer[k].shape, dtype: a.optimizer[k].dtype });
      expect({ ...b, alpha: null, supernet: null, optimizer: null }).toEqual({ ...a, alpha: null, supernet: null, optimizer: null });
    }
    const model = (await getModel(target, 'm1')).model!;
    expect(model.files.map((f) => [f.name, bytes(f.bytes)])).toEqual([['model.json', bytes(new TextEncoder().encode('{"a":1}').buffer)], ['w.bin', [1, 2, 3, 4]]]);
    // Import again: the id is taken, so it becomes a copy.
    const again = await importSession(target, file);
    expect(again.sessionId).not.toBe('s1');
    expect(again.name).toMatch(/\(imported\)$/);
    expect(again.modelImported).toBe(false);
    expect((await latestCheckpoint(target, again.sessionId)).checkpoint!.sessionId).toBe(again.sessionId);
  });

  it('exports without the model on request and warns on import that it is missing', async () => {
    const source = await open();
    await sessionWithCheckpoints(source);
    const file = await exportSession(source, 's1', { includeModel: false });
    expect(header(file).model).toBeNull();
    const result = await importSession(await open(), file);
    expect(result).toMatchObject({ modelId: null, modelImported: false });
    expect(result.warnings[0]).toMatch(/demo-cnn is not in the file/);
  });

  it('rejects damaged or foreign files with a LabError naming the field', async () => {
    const source = await open();
    await sessionWithCheckpoints(source);
    const file = await exportSession(source, 's1');
    const target = await open();

    expect((await rejection(importSession(target, new TextEncoder().encode('PK\u0003\u0004 a zip')))).field).toBe('magic');
    const future = file.slice();
    new DataView(future.buffer).setUint32(8, 2, true);
    expect((await rejection(importSession(target, future))).field).toBe('version');
    expect((await rejection(importSession(target, file.subarray(0, 40)))).field).toBe('header');
    const garbled = file.slice();
    garbled[17] = 0x7b; // '{' inside the JSON
    expect((await rejection(importSession(target, garbled))).field).toBe('header');
    expect((await rejection(importSession(target, file.subarray(0, file.length - 3)))).field).toMatch(/^model\.files\[1\]|^checkpoints/);

    const wrongShape = withHeader(file, (h) => {
      ((h.checkpoints as Record<string, Record<string, unknown>>[])[0].alpha as { shape: number[] }).shape = [7, 8];
    });
    const err = await rejection(importSession(target, wrongShape));
    expect(err.field).toBe('checkpoints[0].alpha.data');
    expect(err.fix).toMatch(/Export the session again/);

    const noName = withHeader(file, (h) => {
      delete (h.session as Record<string, unknown>).name;
    });
    expect((await rejection(importSession(target, noName))).field).toBe('session.name');
    const noSupernet = withHeader(file, (h) => {
      delete (h.checkpoints as Record<string, unknown>[])[1].supernet;
    });
    expect((await rejection(importSession(target, noSupernet))).field).toBe('checkpoints[1].supernet');
    const stranger = withHeader(file, (h) => {
      (h.checkpoints as Record<string, unknown>[])[0].sessionId = 'other';
    });
    expect((await rejection(importSession(target, stranger))).field).toBe('checkpoints[0].sessionId');
    // Nothing half-imported remains.
    expect((await getSession(target, 's1')).session).toBeNull();
  });

  it('refuses to export a missing session', async () => {
    await expect(exportSession(await open(), 'ghost')).rejects.toBeInstanceOf(LabError);
  });
});

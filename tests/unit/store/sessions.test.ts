import { describe, expect, it } from 'vitest';
import { BACKENDS, checkpointInput, newSession } from './helpers';
import { createSession, deleteSession, getSession, listSessions, listUnfinishedSessions, renameSession, updateSession } from '../../../src/store/sessions';
import { latestCheckpoint, putCheckpoint } from '../../../src/store/checkpoints';
import { LabError } from '../../../src/core/errors';

describe.each(BACKENDS)('sessions on $name', ({ open }) => {
  it('lists sessions newest first with epoch, best accuracy and size on disk', async () => {
    const db = await open();
    await createSession(db, newSession('a'), 1000);
    await createSession(db, { ...newSession('b'), name: 'Second' }, 2000);
    const put = await putCheckpoint(db, checkpointInput('a', 1, 0.7), { now: 3000 });
    const { sessions, warnings } = await listSessions(db);
    expect(warnings).toEqual([]);
    expect(sessions.map((s) => s.id)).toEqual(['a', 'b']);
    expect(sessions[0]).toMatchObject({ modelName: 'demo-cnn', datasetName: 'mnist-test', epoch: 1, bestAccuracy: 0.7, checkpointCount: 1, status: 'running' });
    expect(sessions[0].sizeBytes).toBeGreaterThan(put.ok ? put.sizeBytes : Infinity);
    expect(sessions[1]).toMatchObject({ name: 'Second', epoch: 0, bestAccuracy: null, checkpointCount: 0 });
  });

  it('lists only running and paused sessions as unfinished', async () => {
    const db = await open();
    for (const [id, status] of [['r', 'running'], ['p', 'paused'], ['f', 'finished'], ['x', 'failed']] as const) {
      await createSession(db, { ...newSession(id), status });
    }
    const { sessions } = await listUnfinishedSessions(db);
    expect(sessions.map((s) => s.id).sort()).toEqual(['p', 'r']);
  });

  it('renames (rejecting empty names), updates and deletes a session with its checkpoints', async () => {
    const db = await open();
    await createSession(db, newSession('a'));
    await createSession(db, newSession('b'));
    await putCheckpoint(db, checkpointInput('a', 1, 0.5));
    await putCheckpoint(db, checkpointInput('a', 2, 0.6));
    await putCheckpoint(db, checkpointInput('b', 1, 0.5));
    expect(await renameSession(db, 'a', '  Fog repair  ')).toBe(true);
    expect((await getSession(db, 'a')).session!.name).toBe('Fog repair');
    await expect(renameSession(db, 'a', '   ')).rejects.toBeInstanceOf(LabError);
    expect(await renameSession(db, 'nope', 'x')).toBe(false);
    expect(await updateSession(db, 'a', { status: 'paused', chosenBlock: 2 })).toBe(true);
    expect((await getSession(db, 'a')).session).toMatchObject({ status: 'paused', chosenBlock: 2, epoch: 2 });
    expect(await deleteSession(db, 'a')).toEqual({ deletedCheckpoints: 2 });
    expect((await getSession(db, 'a')).session).toBeNull();
    expect((await latestCheckpoint(db, 'a')).checkpoint).toBeNull();
    expect((await latestCheckpoint(db, 'b')).checkpoint!.epoch).toBe(1);
  });

  it('skips corrupted, foreign and newer-version records with a warning', async () => {
    const db = await open();
    const good = await createSession(db, newSession('good'));
    await db.put('sessions', { id: 'foreign', hello: 'world' } as never);
    await db.put('sessions', { ...good, id: 'newer', v: 3 } as never);
    await db.put('sessions', { ...good, id: 'broken', status: 'sleeping' } as never);
    await db.put('sessions', { ...good, id: 'bad-history', history: [{ epoch: 'one' }] } as never);
    const { sessions, warnings } = await listSessions(db);
    expect(sessions.map((s) => s.id)).toEqual(['good']);
    expect(warnings).toHaveLength(4);
    expect(warnings.join('\n')).toMatch(/"newer": v has record format 3, this lab reads format 2/);
    expect(warnings.join('\n')).toMatch(/"broken": status is "sleeping"/);
    expect(warnings.join('\n')).toMatch(/"bad-history": history\[0\]\.epoch/);
    const one = await getSession(db, 'foreign');
    expect(one.session).toBeNull();
    expect(one.warnings[0]).toMatch(/Skipped sessions record "foreign"/);
    // Writing a checkpoint for an unreadable session is refused, not crashed.
    expect(await putCheckpoint(db, checkpointInput('broken', 1, 0.5))).toMatchObject({ ok: false, reason: 'missing-session' });
  });
});

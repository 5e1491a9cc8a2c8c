// The workshop flow through the Lab API in Node (wasm backend, in-memory store): demo model →
// dataset → failures → localize → search epochs (checkpointed) → derive → evaluate → export,
// then resume the session in a second Lab and check the next epoch equals an uninterrupted one.
import { describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { Lab } from '../../../src/worker/lab';
import { createMemoryDb } from '../../../src/store/memory-db';
import type { LabDbHandle } from '../../../src/store';
import type { LessonSettings } from '../../../src/worker/lab-types';

const readAsset = (path: string) => readFile(resolve('public', path)).then((b) => new Uint8Array(b));
const SETTINGS: LessonSettings = { seed: 3, corruption: 'fog', severity: 3, workingSize: 160, failureCap: 24, preset: 'lite', epochs: 2, finetuneEpochs: 1, batchSize: 16, includeSuite: false };

function newLab(handle: LabDbHandle): Lab {
  return new Lab({ readAsset, openDb: async () => handle });
}

describe('Lab workshop flow', () => {
  it('runs a repair end to end, checkpoints every epoch and resumes exactly', async () => {
    const handle: LabDbHandle = { db: createMemoryDb(), persistent: false, reason: 'test' };
    const lab = newLab(handle);
    await lab.init({ backend: 'wasm' });
    const demos = await lab.listDemos();
    expect(demos.map((d) => d.name)).toContain('mnist-cnn');
    const model = await lab.openDemo('mnist-cnn');
    expect(model.graph.blocks.length).toBeGreaterThan(1);
    expect(model.searchable.some(Boolean)).toBe(true);
    const ds = await lab.openDataset('mnist-test', 'd');
    expect(ds.histogram.reduce((a, b) => a + b, 0)).toBe(10000);
    expect(ds.samples.shape.slice(1)).toEqual([28, 28, 1]);
    const grid = lab.corruptionGrid(1, 1);
    expect(grid.images.shape[0]).toBe(grid.corruptions.length * 5);

    const failures = await lab.collectFailures(SETTINGS, 'f');
    expect(failures.failingUsed).toBeGreaterThan(0);
    expect(failures.perClass.reduce((a, b) => a + b, 0)).toBe(failures.failingUsed);
    const { localization, evaluation } = await lab.localize(true, 'l');
    // RQ3 in small: one gain per block and a correlation per localizer.
    expect(evaluation!.gains).toHaveLength(model.graph.blocks.length);
    expect(evaluation!.correlations.map((c) => c.method)).toContain('combined');
    expect(localization.searchable[localization.chosenBlock]).toBe(true);
    const head = model.graph.blocks.findIndex((b) => b.kind === 'head');
    expect(() => lab.chooseBlock(head)).toThrow(/cannot be architecture-searched/);

    // The Search step's settings changed after the failures were collected reach the search.
    const info = await lab.startSearch({ ...SETTINGS, epochs: 3 }, 's');
    expect(info.sessionId).not.toBe('');
    expect(info.epochsPlanned).toBe(3);
    const e1 = await lab.searchEpoch('e1');
    expect(e1.checkpoint.ok).toBe(true);
    const half = await lab.stepAlpha();
    expect(Number.isFinite(half.loss)).toBe(true);
    // A second epoch after the α-only step; its checkpoint is what a reload resumes from.
    const e2 = await lab.searchEpoch('e2');
    expect(e2.metrics.epoch).toBe(2);
    const storage = await lab.storage();
    expect(storage.sessions[0]).toMatchObject({ epoch: 2, status: 'running' });

    // Pausing lets go of the session; a fresh Lab (a reloaded tab, same store) resumes it.
    await lab.pauseSession();
    expect((await lab.storage()).sessions[0].status).toBe('paused');
    // Resume in a fresh Lab (same store) and compare the next epoch with the original run's.
    const resumed = newLab(handle);
    await resumed.init({ backend: 'wasm' });
    const view = await resumed.resumeSession(info.sessionId, 'r');
    expect(view.history.map((m) => m.epoch)).toEqual([1, 2]);
    expect(view.search.alphaSoftmax).toEqual(e2.metrics.alphaSoftmax);
    const nextResumed = await resumed.searchEpoch('e3r');
    // The session now belongs to the resumed Lab: the first one is told, not silently forked.
    await expect(lab.searchEpoch('e3x')).rejects.toThrow(/open in another tab/);
    await resumed.pauseSession();
    const nextOriginal = await lab.searchEpoch('e3');
    expect(nextResumed.metrics.lossWeights).toBeCloseTo(nextOriginal.metrics.lossWeights, 5);
    expect(nextResumed.metrics.alphaSoftmax).toEqual(nextOriginal.metrics.alphaSoftmax);

    const derived = await lab.derive('dv');
    expect(derived.genotype.edges.length).toBeGreaterThan(0);
    const results = await lab.evaluate(false, 'ev');
    expect(results.original.rows.map((r) => r.label)).toEqual(['clean', 'fog']);
    expect(results.confusionBefore.flat().reduce((a, b) => a + b, 0)).toBe(results.original.rows[1].count);
    // The clean row reads the working set's held-out images and the test images after the clean validation's.
    expect(results.original.rows[0].count).toBeGreaterThan(results.original.rows[1].count);
    expect(results.fixed.shape[0]).toBe(Math.min(24, results.fixedCount));
    const withBaselines = await lab.runBaselines('b');
    expect(withBaselines.baselines.map((b) => b.name)).toEqual(['network-finetune', 'layer-weights', 'block-weights', 'random-genotype']);
    expect(withBaselines.baselines.every((b) => b.selection !== null && ['repaired', 'no-repair'].includes(b.selection.verdict))).toBe(true);
    expect(withBaselines.baselines.every((b) => b.rows.length === 2)).toBe(true);
    const bundle = await lab.exportFiles();
    expect(bundle.files.map((f) => f.name)).toEqual(['model.json', 'group1-shard1of1.bin']);
    expect(bundle.reportMarkdown).toContain('ArchRepair Lab report');
    const json = JSON.parse(new TextDecoder().decode(bundle.files[0].bytes)) as { modelTopology: object; weightsManifest: { weights: tf.io.WeightsManifestEntry[] }[] };
    const loaded = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0].weights, weightData: bundle.files[1].bytes.slice().buffer }));
    expect(loaded.outputs[0].shape).toEqual([null, 10]);
    loaded.dispose();
    const saved = await lab.saveRepaired();
    expect((await lab.listSavedModels()).map((m) => m.id)).toContain(saved.id);
  }, 240_000);

  it('imports dropped model files with their card, edits blocks, and refuses broken files with file/field/fix', async () => {
    const handle: LabDbHandle = { db: createMemoryDb(), persistent: false, reason: 'test' };
    const lab = newLab(handle);
    await lab.init({ backend: 'cpu' });
    const names = ['model.json', 'group1-shard1of1.bin', 'card.json'];
    const files = await Promise.all(names.map(async (n) => ({ name: `mnist-resnet/${n}`, bytes: await readAsset(`models/mnist-resnet/${n}`) })));
    const view = await lab.importModel(files, true);
    expect(view).toMatchObject({ name: 'mnist-resnet', source: 'stored', isSaved: true });
    expect(view.card?.name).toBe('mnist-resnet');
    const n = view.graph.blocks.length;
    const merged = await lab.editBlocks({ kind: 'merge', index: 0 });
    expect(merged.graph.blocks).toHaveLength(n - 1);
    // The edit is remembered with the stored model and replayed when it is reopened.
    const reopened = await lab.openSavedModel(view.modelId);
    expect(reopened.graph.blocks).toHaveLength(n - 1);
    expect((await lab.editBlocks({ kind: 'reset' })).graph.blocks).toHaveLength(n);
    const broken = await lab.importModel(files.filter((f) => !f.name.endsWith('.bin')), false).catch((e: unknown) => e);
    expect(broken).toMatchObject({ name: 'LabError', file: 'group1-shard1of1.bin', field: 'weightsManifest[0].paths[0]' });
    expect((broken as { fix: string }).fix).toMatch(/Add group1-shard1of1.bin/);
  }, 60_000);
});

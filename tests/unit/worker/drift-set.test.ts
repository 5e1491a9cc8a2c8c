// The user's own drift set through the Lab API in Node (wasm, in-memory store): dropped files →
// fitted set → failures from its repair part → search → results on its held-out part → report;
// sessions record it and resume refuses another one; bad input is refused with file, field and fix.
import { beforeAll, describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { readFile } from 'node:fs/promises';
import { Lab } from '../../../src/worker/lab';
import { createMemoryDb } from '../../../src/store/memory-db';
import { encodeIdx } from '../../../src/core/data/idx';
import { decodeImageInNode } from '../../../src/core/data/decode-node';
import type { DroppedFile } from '../../../src/core/data/dropped-set';
import type { LabDbHandle } from '../../../src/store';
import type { DriftSetView, LessonSettings } from '../../../src/worker/lab-types';
import { bundledSample, pngClassFolder } from '../../fixtures/labelled-images';

const readAsset = (path: string) => readFile(resolve('public', path)).then((b) => new Uint8Array(b));
const BASE: LessonSettings = { seed: 3, corruption: 'fog', severity: 3, workingSize: 160, failureCap: 16, preset: 'lite', epochs: 1, finetuneEpochs: 1, batchSize: 16, includeSuite: false };

const asDropped = (files: { path: string; bytes: Uint8Array }[]): DroppedFile[] => files.map((f) => ({ path: f.path, file: new Blob([f.bytes as Uint8Array<ArrayBuffer>]) }));
const withDrift = (view: DriftSetView): LessonSettings => ({ ...BASE, driftName: view.identity.name, driftCount: view.identity.count, driftHash: view.identity.hash });

let fogFiles: DroppedFile[] = [];
let noiseFiles: DroppedFile[] = [];
let mixedFiles: DroppedFile[] = [];
/** Between the small sets' bytes and the large one's, to test the size limit. */
let limitBytes = 0;
const bytesOf = (files: DroppedFile[]) => files.reduce((s, f) => s + f.file.size, 0);

beforeAll(async () => {
  // 12 per class: a drifted set unpaired with the clean test images (taken from further on), 32×32 RGB PNGs the lab fits to 28×28 grey.
  fogFiles = asDropped(pngClassFolder(await bundledSample('mnist-test', 12, { offset: 5000, corruption: 'fog', severity: 5 }), 'my-fog', { side: 32, rgb: true }));
  noiseFiles = asDropped(pngClassFolder(await bundledSample('mnist-test', 6, { offset: 7000, corruption: 'gaussian_noise' }), 'noisy'));
  const mixed = await bundledSample('mnist-test', 2, { offset: 100 });
  mixedFiles = asDropped([...pngClassFolder(mixed, 'mixed', { side: 40 }).slice(0, 10), ...pngClassFolder(mixed, 'mixed', { side: 28 }).slice(10)]);
  limitBytes = Math.max(bytesOf(noiseFiles), bytesOf(mixedFiles)) + 1024;
  expect(bytesOf(fogFiles)).toBeGreaterThan(limitBytes);
});

async function newLab(handle: LabDbHandle, setLimits?: { maxFileBytes?: number }): Promise<Lab> {
  const lab = new Lab({ readAsset, openDb: async () => handle, decodeImage: decodeImageInNode, setLimits });
  await lab.init({ backend: 'wasm' });
  await lab.openDemo('mnist-cnn');
  await lab.openDataset('mnist-test', 'd');
  return lab;
}

describe('the user\'s own drift set in the lab', () => {
  it('repairs on it: failures from its repair part, drift accuracy on its held-out part, recorded in session and report; resume refuses another set', async () => {
    const handle: LabDbHandle = { db: createMemoryDb(), persistent: false, reason: 'test' };
    const lab = await newLab(handle);
    const progress: number[] = [];
    const view = await lab.importDriftSet(fogFiles, 'i', (p) => progress.push(p.done));
    expect(view.identity).toMatchObject({ name: 'my-fog', count: 120, shape: [28, 28, 1] });
    expect(view.identity.hash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(view.conversions.join(' ')).toMatch(/resized 32×32 → 28×28, RGB → grey \(120 images\)/);
    expect(progress.at(-1)).toBe(120);
    // Drift sets are cached, but not offered as clean test sets.
    expect((await lab.listDatasets()).map((d) => d.name)).not.toContain('drift:my-fog');

    const settings = withDrift(view);
    const failures = await lab.collectFailures(settings, 'f');
    expect(failures).toMatchObject({ corruption: 'my-fog', severity: 0, isOwnDrift: true });
    expect(failures.repairPoolSize + failures.heldOutSize).toBeLessThan(120);
    expect(failures.perClass.reduce((a, b) => a + b, 0)).toBe(failures.failingUsed);
    await lab.localize(false, 'l');
    const info = await lab.startSearch(settings, 's');
    expect((await lab.searchEpoch('e1')).checkpoint.ok).toBe(true);
    const row = (await lab.storage()).sessions[0];
    expect(row).toMatchObject({ corruption: 'my-fog', severity: 0 });
    expect(row.name).toContain('my-fog');
    await lab.pauseSession();

    await lab.derive('dv');
    const results = await lab.evaluate(false, 'ev');
    expect(results.original.rows.map((r) => r.label)).toEqual(['clean', 'my-fog']);
    expect(results.original.rows[1].count).toBe(failures.heldOutSize);
    expect(results.targetLabel).toBe('my-fog');
    const bundle = await lab.exportFiles();
    expect(bundle.reportMarkdown).toContain(`Drift set: my-fog, 120 images, content hash ${view.identity.hash}`);
    const report = JSON.parse(bundle.reportJson) as { drift: { corruption: string; set?: { name: string; count: number; hash: string } } };
    expect(report.drift.corruption).toBe('my-fog');
    expect(report.drift.set).toMatchObject({ name: 'my-fog', count: 120, hash: view.identity.hash });

    // A reloaded tab with another drift set dropped: resuming is refused, naming both sets.
    const other = await newLab(handle);
    const noisy = await other.importDriftSet(noiseFiles, 'i2');
    const refused = await other.resumeSession(info.sessionId, 'r1').catch((e: unknown) => e);
    expect(refused).toMatchObject({ name: 'LabError', field: 'drift set', file: 'noisy' });
    expect((refused as Error).message).toMatch(/made with the drift set "my-fog" \(120 images, sha256:/);
    expect((refused as Error).message).toMatch(/dropped now is "noisy" \(60 images/);
    expect((refused as { fix: string }).fix).toMatch(/Drop the same images as "my-fog" again/);
    // Nothing was lost: the set dropped there still works.
    expect((await other.collectFailures(withDrift(noisy), 'f2')).corruption).toBe('noisy');

    // A fresh tab with no drift set dropped resumes from the cached copy of the same set.
    const fresh = await newLab(handle);
    const resumed = await fresh.resumeSession(info.sessionId, 'r2');
    expect(resumed.driftSet?.identity.hash).toBe(view.identity.hash);
    expect(resumed.failures).toMatchObject({ corruption: 'my-fog', heldOutSize: failures.heldOutSize, failingTotal: failures.failingTotal });
    expect(resumed.config.driftName).toBe('my-fog');
  }, 300_000);

  it('refuses bad drift sets with the file, the field and the fix, and keeps the set dropped before', async () => {
    const handle: LabDbHandle = { db: createMemoryDb(), persistent: false, reason: 'test' };
    const lab = await newLab(handle, { maxFileBytes: limitBytes });
    const first = await lab.importDriftSet(noiseFiles, 'ok');
    const refuse = (files: DroppedFile[]) => lab.importDriftSet(files, 'bad').then(() => null, (e: unknown) => e as { message: string; file?: string; field?: string; fix?: string });
    const idx = (labels: number[]) => asDropped([
      { path: 'digits/t10k-images-idx3-ubyte', bytes: encodeIdx([labels.length, 28, 28], new Uint8Array(labels.length * 784).fill(9)) },
      { path: 'digits/t10k-labels-idx1-ubyte', bytes: encodeIdx([labels.length], Uint8Array.from(labels)) },
    ]);

    expect(await refuse([])).toMatchObject({ field: 'files', fix: expect.stringMatching(/one sub-folder/) });
    const oneClass = await refuse(noiseFiles.filter((f) => f.path.startsWith('noisy/3/')));
    expect(oneClass).toMatchObject({ file: 'noisy', field: 'classes' });
    expect(oneClass!.message).toMatch(/one class only \("3", 6 images\)/);
    const outOfRange = await refuse(idx([0, 1, 2, 12]));
    expect(outOfRange).toMatchObject({ file: 'digits', field: 'labels', fix: expect.stringMatching(/0…9/) });
    expect(outOfRange!.message).toMatch(/holds label 12, but the model outputs 10 classes/);
    const fewerClasses = await refuse(idx([0, 1, 2, 1]));
    expect(fewerClasses).toMatchObject({ file: 'digits', field: 'classes' });
    expect(fewerClasses!.message).toMatch(/has 3 classes .* but the model outputs 10 classes/);
    const huge = await refuse(fogFiles);
    expect(huge).toMatchObject({ file: 'my-fog', field: 'size', fix: expect.stringMatching(/sample of the images/) });
    const notImage = await refuse([...noiseFiles, { path: 'noisy/3/notes.txt', file: new Blob(['hello']) }]);
    expect(notImage).toMatchObject({ file: 'noisy/3/notes.txt', field: 'file type' });

    // After every refusal the set dropped before is still the one in use.
    const lesson = withDrift(first);
    expect((await lab.collectFailures(lesson, 'f')).corruption).toBe('noisy');

    // Images of mixed sizes are no error: each is fitted, and the page is told how.
    const mixedView = await lab.importDriftSet(mixedFiles, 'mixed');
    expect(mixedView.conversions).toEqual(['resized 40×40 → 28×28 (10 images)']);
    expect(mixedView.identity.count).toBe(20);
    // The lesson still names the first set: refused, naming both.
    await expect(lab.collectFailures(lesson, 'f2')).rejects.toMatchObject({ field: 'drift set', file: 'mixed' });
  }, 120_000);

  it('a dropped clean set goes through the same core loader: fitted to the model, sizes checked first, kept apart from drift sets', async () => {
    const handle: LabDbHandle = { db: createMemoryDb(), persistent: false, reason: 'test' };
    const lab = await newLab(handle, { maxFileBytes: limitBytes });
    const clean = asDropped(pngClassFolder(await bundledSample('mnist-test', 4), 'my-clean', { side: 40 }));
    const progress: string[] = [];
    const view = await lab.importDataset(clean, 'c', (p) => progress.push(p.phase));
    expect(view.info).toMatchObject({ name: 'my-clean', count: 40, shape: [28, 28, 1], source: 'imported' });
    expect(view.info.provenance).toMatch(/resized 40×40 → 28×28 \(40 images\)/);
    expect(progress).toContain('decode my-clean');
    const noisy = await lab.importDriftSet(noiseFiles, 'd');
    expect((await lab.listDatasets()).filter((d) => d.source === 'imported').map((d) => d.name)).toEqual(['my-clean']);
    await expect(lab.importDataset(fogFiles, 'big')).rejects.toMatchObject({ field: 'size', file: 'my-fog' });
    expect((await lab.collectFailures(withDrift(noisy), 'f')).workingSize).toBe(40);
    // A long decode stops when cancelled (the progress bar's Cancel), and the set dropped before stays.
    const cancelled = lab.importDriftSet(mixedFiles, 'slow', (p) => void (p.done === 3 && lab.cancel('slow')));
    await expect(cancelled).rejects.toMatchObject({ name: 'CancelledError' });
    expect((await lab.collectFailures(withDrift(noisy), 'f2')).corruption).toBe('noisy');
  }, 120_000);
});

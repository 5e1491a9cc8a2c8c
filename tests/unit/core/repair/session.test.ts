import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { EXTRA_TEST_FLOATS, RepairSession, isSearchable } from '../../../../src/core/repair/session';
import { CANDIDATE_MIXES, chosenCandidate } from '../../../../src/core/repair/selection';
import { CORRUPTION_NAMES } from '../../../../src/core/data/corruptions';
import { blockGraphFromTopology } from '../../../../src/core/model/block-graph';
import { exportModel } from '../../../../src/core/model/export';
import type { Json } from '../../../../src/core/model/topology';
import { installTrainingSupport } from '../../../../src/core/tfjs/install';
import { quadrantData, tinyCnn } from '../localize/fixtures';

beforeAll(async () => {
  installTrainingSupport();
  await tf.setBackend('cpu');
});

/** A tiny model, its block graph and a small session that runs every phase quickly. */
function tinySession(seed: number, scope: 'block' | 'network' = 'block', robustnessGuard = true, testImages = 160, cleanValidationSize = 3000) {
  const model = tinyCnn(seed, 'softmax');
  const graph = blockGraphFromTopology(model.toJSON(null, false) as unknown as Json, 'tiny');
  const data = quadrantData(testImages, seed);
  const session = new RepairSession(model, graph, data, {
    seed,
    corruption: 'gaussian_noise',
    severity: 3,
    workingSize: 160,
    failureCap: 40,
    cleanPerFailure: 1,
    localize: { batchSize: 32, gradientGroupSize: 8 },
    search: { preset: 'lite', epochs: 2, batchSize: 16, order: 'first', alphaLearningRate: 0.05, alphaWarmupEpochs: 0, weightLearningRate: 0.025 },
    finetune: { epochs: 1, batchSize: 16, learningRate: 2e-3, scope, networkRate: 1 },
    robustnessGuard,
    cleanValidationSize,
  });
  return { model, graph, session, data };
}

describe('repair session', () => {
  it('takes new training settings after the failures are collected and refuses invalid ones, keeping the failures', async () => {
    const { session } = tinySession(4);
    await session.collectFailures();
    const failures = session.failures;
    expect(failures).not.toBeNull();
    session.setTrainingSettings({ search: { ...session.config.search, preset: 'paper', epochs: 3 }, cleanTolerance: 0.2 });
    expect([session.config.search.preset, session.config.search.epochs, session.config.cleanTolerance]).toEqual(['paper', 3, 0.2]);
    expect(() => session.setTrainingSettings({ cleanTolerance: 2 })).toThrow(/cleanTolerance/);
    expect(session.config.cleanTolerance).toBe(0.2);
    expect(session.failures).toBe(failures);
  });

  it('builds the robustness guard from the validation images under every other corruption, for every method, and none when it is off', async () => {
    const { session, model } = tinySession(5);
    await session.collectFailures();
    await session.localize();
    await session.startSearch();
    // The guard follows the setting of the search start, also when it changes before the first derive.
    session.setTrainingSettings({ robustnessGuard: false });
    const guard = (await session.selectionData()).images.validation.guard!;
    expect(guard.map((g) => g.label)).toEqual(CORRUPTION_NAMES.filter((n) => n !== 'gaussian_noise'));
    const validation = session.testSplit.validation;
    for (const g of guard) {
      expect(g.images.shape).toEqual([validation.length, 8, 8, 1]);
      expect(Array.from(g.images.labels)).toEqual(validation.map((i) => session.clean.labels[i]));
      expect(g.originalCorrect).toHaveLength(validation.length);
    }
    // Each set is its own corruption of the same images.
    expect(guard.slice(1).every((g) => g.images.inputs.some((v, i) => v !== guard[0].images.inputs[i]))).toBe(true);
    session.dispose();
    model.dispose();
    const off = tinySession(5, 'block', false);
    await off.session.collectFailures();
    await off.session.localize();
    await off.session.startSearch();
    expect((await off.session.selectionData()).images.validation.guard).toBeUndefined();
    off.session.dispose();
    off.model.dispose();
  });

  it('chooses on clean validation images from the working set, then from the test images after it, up to cleanValidationSize; holds out the rest', async () => {
    const { session, model, data } = tinySession(6, 'block', false, 240, 100);
    const own = session.testSplit.validation;
    expect(session.clean.count).toBe(160);
    expect(session.cleanValidationIndices()).toEqual([...own, ...Array.from({ length: 100 - own.length }, (_, i) => 160 + i)]);
    // Held out: the working set's held-out part, then the test images after those (cleanHeldOutSize 6000: all that remain).
    const held = session.testSplit.heldOut;
    const afterValidation = 160 + 100 - own.length;
    expect(session.cleanHeldOutIndices()).toEqual([...held, ...Array.from({ length: 240 - afterValidation }, (_, i) => afterValidation + i)]);
    expect(Array.from(session.cleanHeldOut().labels)).toEqual(session.cleanHeldOutIndices().map((i) => data.labels[i]));
    expect(new Set([...session.cleanHeldOutIndices(), ...session.cleanValidationIndices(), ...session.testSplit.repairPool]).size).toBe(240);
    await session.collectFailures();
    await session.localize();
    await session.startSearch();
    const v = (await session.selectionData()).images.validation;
    const indices = session.cleanValidationIndices();
    expect(v.clean.shape).toEqual([100, 8, 8, 1]);
    expect(Array.from(v.clean.labels)).toEqual(indices.map((i) => data.labels[i]));
    expect(Array.from(v.clean.inputs.subarray(99 * 64, 100 * 64))).toEqual(Array.from(data.images.subarray(indices[99] * 64, (indices[99] + 1) * 64)));
    expect(v.originalCorrect).toHaveLength(100);
    // The drifted validation stays the working set's own part.
    expect(v.drift.shape[0]).toBe(own.length);
    // Every method's candidates are scored on that set: the derived block's too (block scope, through the frozen prefix).
    const derived = await session.derive();
    expect(derived.selection.original.clean).toBeCloseTo(v.originalCorrect!.reduce((a, b) => a + b, 0) / 100, 6);
    session.dispose();
    model.dispose();
    // Never past the end of the test set, and nothing beyond the working set when it is the whole test set.
    const capped = tinySession(6, 'block', false, 240, 1000);
    expect(capped.session.cleanValidationIndices()).toHaveLength(own.length + 80);
    expect(capped.session.cleanHeldOutIndices()).toEqual(capped.session.testSplit.heldOut);
    // Large images: only as many extra as EXTRA_TEST_FLOATS holds (the images are not read here).
    const big = new RepairSession(capped.model, capped.graph, { ...quadrantData(240, 6), height: 1024, width: 1024 }, { workingSize: 160, cleanValidationSize: 1000 });
    expect(big.cleanValidationIndices()).toHaveLength(big.testSplit.validation.length + EXTRA_TEST_FLOATS / (1024 * 1024));
    capped.model.dispose();
    const whole = tinySession(6, 'block', false, 160, 1000);
    expect(whole.session.cleanValidationIndices()).toEqual(whole.session.testSplit.validation);
    expect(whole.session.cleanHeldOutIndices()).toEqual(whole.session.testSplit.heldOut);
    whole.model.dispose();
  });

  it('runs failures → localize → search → derive, exports a model that plain tfjs loads identically, and frees its tensors', async () => {
    const { model, graph, session } = tinySession(3);
    const baseline = tf.memory().numTensors;
    const failures = await session.collectFailures();
    expect(failures.failures.failingIndices.length).toBeGreaterThan(1);
    expect(failures.repairPoolSize + failures.validationSize + failures.heldOutSize).toBe(160);

    const localization = await session.localize();
    expect(localization.scores).toHaveLength(graph.blocks.length);
    expect(isSearchable(graph, session.blockIndex!)).toBe(true);

    const searchable = graph.blocks.findIndex((b) => b.stride === 2);
    session.chooseBlock(searchable);
    await session.startSearch();
    const first = await session.searchEpoch();
    const afterFirst = tf.memory().numTensors;
    const second = await session.searchEpoch();
    expect(tf.memory().numTensors).toBe(afterFirst);
    expect(second.epoch).toBe(first.epoch + 1);
    expect(second.alphaSoftmax.every((row) => Math.abs(row.reduce((a, b) => a + b, 0) - 1) < 1e-4)).toBe(true);
    expect(second.alphaEntropy).toBeLessThan(1);
    expect(second.accDrift).toBeGreaterThanOrEqual(0);

    const derived = await session.derive();
    const block = graph.blocks[searchable];
    expect(derived.genotype.steps).toBe(3);
    const x = tf.randomUniform([5, 8, 8, 1], 0, 1, 'float32', 1);
    const internal = derived.model.predict(x) as tf.Tensor;
    expect(internal.shape).toEqual([5, 4]);

    const exported = await exportModel(derived.model);
    const reloaded = await tf.loadLayersModel(tf.io.fromMemory(JSON.parse(exported.modelJson).modelTopology, JSON.parse(exported.modelJson).weightsManifest[0].weights, exported.weights.slice().buffer));
    const again = reloaded.predict(x) as tf.Tensor;
    const maxDiff = tf.tidy(() => tf.max(tf.abs(tf.sub(internal, again))));
    const diff = (await maxDiff.data())[0];
    maxDiff.dispose();
    expect(diff).toBeLessThanOrEqual(1e-4);
    // The rest of the model is the original one: same layers outside the block.
    const repairedGraph = blockGraphFromTopology(JSON.parse(exported.modelJson).modelTopology as Json, 'repaired');
    expect(repairedGraph.blocks.at(-1)!.outputShape).toEqual(graph.blocks.at(-1)!.outputShape);
    expect(block.outputShape).toEqual([4, 4, 6]);
    // The do-no-harm rule either kept a fine-tune epoch (a new block) or the original model.
    const { selection } = derived;
    if (selection.verdict === 'repaired') {
      expect(derived.blockLayers.length).toBeGreaterThan(0);
      const kept = chosenCandidate(selection);
      expect(kept).not.toBe(selection.original);
      expect(kept.clean).toBeGreaterThanOrEqual(selection.original.clean - selection.tolerance);
      expect(kept.drift).toBeGreaterThan(selection.original.drift);
    } else {
      expect(selection.chosenEpoch).toBe(0);
      const original = model.predict(x) as tf.Tensor;
      const same = tf.tidy(() => tf.max(tf.abs(tf.sub(original, internal))).dataSync()[0]);
      expect(same).toBe(0);
      original.dispose();
    }

    tf.dispose([x, internal, again]);
    reloaded.dispose();
    session.dispose();
    expect(tf.memory().numTensors).toBe(baseline);
    model.dispose();
  });

  it('a network-wide fine-tune trains a copy: the original model is untouched and the result exports', async () => {
    const { model, graph, session } = tinySession(6, 'network');
    const x = tf.randomUniform([5, 8, 8, 1], 0, 1, 'float32', 3);
    const before = model.predict(x) as tf.Tensor;
    await session.collectFailures();
    session.chooseBlock(graph.blocks.findIndex((b) => b.stride === 2));
    await session.startSearch();
    await session.searchEpoch();
    const derived = await session.derive();
    const after = model.predict(x) as tf.Tensor;
    expect(tf.tidy(() => tf.max(tf.abs(tf.sub(before, after))).dataSync()[0])).toBe(0);
    expect(derived.selection.candidates).toHaveLength(CANDIDATE_MIXES.length);
    const exported = await exportModel(derived.model);
    const parsed = JSON.parse(exported.modelJson);
    const reloaded = await tf.loadLayersModel(tf.io.fromMemory(parsed.modelTopology, parsed.weightsManifest[0].weights, exported.weights.slice().buffer));
    const a = derived.model.predict(x) as tf.Tensor;
    const b = reloaded.predict(x) as tf.Tensor;
    expect(tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0])).toBeLessThanOrEqual(1e-4);
    tf.dispose([x, before, after, a, b]);
    reloaded.dispose();
    session.dispose();
    model.dispose();
  });

  it('refuses blocks a cell cannot replace, naming the fix', async () => {
    const { graph, session, model } = tinySession(4);
    const head = graph.blocks.length - 1;
    expect(isSearchable(graph, head)).toBe(false);
    expect(() => session.chooseBlock(head)).toThrow(/cannot be architecture-searched/);
    await expect(session.startSearch()).rejects.toThrow(/Collect the failing examples first/);
    session.dispose();
    model.dispose();
  });
});

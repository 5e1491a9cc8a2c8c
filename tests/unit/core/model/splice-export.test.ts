import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { blockGraphFromTopology, buildBlockGraph } from '../../../../src/core/model/block-graph';
import { exportModel, WEIGHTS_FILE } from '../../../../src/core/model/export';
import { loadModelFolder } from '../../../../src/core/model/load-folder';
import { disposeModel, loadValidatedModel } from '../../../../src/core/model/load';
import { spliceBlock } from '../../../../src/core/model/splice';
import { splitModel } from '../../../../src/core/model/split';
import { validateModelFiles } from '../../../../src/core/model/validate';
import { LabError } from '../../../../src/core/errors';
import type { Json } from '../../../../src/core/model/topology';
import { modelFiles, modelJsonOf } from './files';
import { randomInput, randomizeWeights, resnet, TOPOLOGIES } from './fixtures';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

async function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): Promise<number> {
  const d = tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))));
  const [value] = await d.data();
  d.dispose();
  return value;
}

/** Loads exported files with nothing but tfjs, as any other app would. */
async function plainLoad(files: { name: string; bytes: Uint8Array }[]): Promise<tf.LayersModel> {
  const json = modelJsonOf(files) as { modelTopology: object; weightsManifest: { weights: tf.io.WeightsManifestEntry[] }[] };
  const bin = files.find((f) => f.name === WEIGHTS_FILE) as { bytes: Uint8Array };
  return tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0].weights, weightData: bin.bytes.slice().buffer }));
}

const graphOf = async (model: tf.LayersModel) => blockGraphFromTopology((JSON.parse((await exportModel(model)).modelJson) as { modelTopology: Json }).modelTopology);

describe('exportModel', () => {
  it('round-trips every topology through model.json + one shard, loadable by plain tfjs and by the lab', async () => {
    for (const [name, make] of Object.entries(TOPOLOGIES)) {
      const model = randomizeWeights(make(), 21);
      const exported = await exportModel(model);
      expect(exported.files.map((f) => f.name)).toEqual(['model.json', WEIGHTS_FILE]);
      expect(JSON.parse(exported.modelJson)).toMatchObject({ format: 'layers-model', weightsManifest: [{ paths: [WEIGHTS_FILE] }] });
      expect(exported.weights.byteLength).toBe(model.countParams() * 4);
      const back = await plainLoad(exported.files);
      const lab = await loadValidatedModel(validateModelFiles(exported.files));
      const x = randomInput(model, 2, 5);
      const [a, b, c] = [model, back, lab].map((m) => m.predict(x) as tf.Tensor);
      expect(await maxAbsDiff(a, b), name).toBe(0);
      expect(await maxAbsDiff(a, c), name).toBe(0);
      tf.dispose([x, a, b, c]);
      [model, back, lab].forEach((m) => m.dispose());
    }
  });
});

describe('spliceBlock', () => {
  it('replaces one block and reuses every other layer with its weights', async () => {
    const model = randomizeWeights(resnet(), 31);
    const graph = await graphOf(model);
    const block = graph.blocks[2];
    let replacement: tf.layers.Layer | null = null;
    const spliced = spliceBlock(model, graph, 2, (input) => {
      replacement = tf.layers.conv2d({ filters: block.outputShape[2], kernelSize: 3, strides: block.stride, padding: 'same', activation: 'relu' });
      return replacement.apply(input) as tf.SymbolicTensor;
    });
    const reused = new Set(model.layers);
    const kept = spliced.layers.filter((l) => reused.has(l));
    expect(kept.map((l) => l.name).sort()).toEqual([...graph.blocks[0].layers, ...graph.blocks[1].layers, ...graph.blocks[3].layers].sort());
    expect(spliced.layers).toContain(replacement);
    // spliced(x) = suffix(newBlock(prefix(x))) with the original prefix and suffix.
    const split = splitModel(model, graph, 2);
    const x = randomInput(model, 2, 6);
    const expected = tf.tidy(() => split.suffix((replacement as tf.layers.Layer).apply(split.prefix(x)) as tf.Tensor));
    const actual = spliced.predict(x) as tf.Tensor;
    expect(await maxAbsDiff(actual, expected)).toBeLessThanOrEqual(1e-5);
    // The spliced model exports and reloads like any other.
    const back = await plainLoad((await exportModel(spliced)).files);
    const again = back.predict(x) as tf.Tensor;
    expect(await maxAbsDiff(again, actual)).toBe(0);
    tf.dispose([x, expected, actual, again]);
    [spliced, back].forEach((m) => m.dispose());
    model.dispose();
  });

  it('splices every block of a flattened nested model', async () => {
    const model = randomizeWeights(TOPOLOGIES.nested(), 41);
    const graph = await graphOf(model);
    for (const block of graph.blocks.slice(0, -1)) {
      const spliced = spliceBlock(model, graph, block.index, (input) => tf.layers.conv2d({ filters: block.outputShape[2], kernelSize: 1, strides: block.stride }).apply(input) as tf.SymbolicTensor);
      expect(spliced.outputs[0].shape).toEqual([null, 3]);
      expect(buildBlockGraph(validateModelFiles((await exportModel(spliced)).files).flat).blocks.length).toBeGreaterThan(1);
      spliced.dispose();
    }
    model.dispose();
  });

  it('renames a new layer whose auto-generated name clashes with a loaded layer', async () => {
    // tfjs numbers new layers per session; a model loaded from disk can already use the next name.
    const probe = tf.layers.conv2d({ filters: 1, kernelSize: 1 }).name;
    const next = probe.replace(/\d+$/, (n) => String(Number(n) + 1));
    const model = tf.sequential({
      layers: [
        tf.layers.conv2d({ name: 'first_conv', inputShape: [6, 6, 1], filters: 2, kernelSize: 3, padding: 'same', activation: 'relu' }),
        tf.layers.conv2d({ name: next, filters: 2, kernelSize: 3, padding: 'same', activation: 'relu' }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 2, activation: 'softmax' }),
      ],
    });
    const graph = await graphOf(model);
    const spliced = spliceBlock(model, graph, 0, (input) => tf.layers.conv2d({ filters: 2, kernelSize: 1 }).apply(input) as tf.SymbolicTensor);
    const names = spliced.layers.map((l) => l.name);
    expect(names).toContain(next);
    expect(names).toContain(`${next}_new1`);
    const exported = await exportModel(spliced);
    const back = await plainLoad(exported.files);
    const x = randomInput(model, 1, 7);
    const [a, b] = [spliced.predict(x) as tf.Tensor, back.predict(x) as tf.Tensor];
    expect(await maxAbsDiff(a, b)).toBe(0);
    tf.dispose([x, a, b]);
    [model, spliced, back].forEach((m) => m.dispose());
  });

  it('refuses a replacement with the wrong output shape', async () => {
    const model = resnet();
    const graph = await graphOf(model);
    const wrong = () => spliceBlock(model, graph, 1, (input) => tf.layers.conv2d({ filters: 5, kernelSize: 1 }).apply(input) as tf.SymbolicTensor);
    expect(wrong).toThrow(LabError);
    expect(wrong).toThrow(/outputs \[8, 8, 5\], but the rest of the model expects \[8, 8, 4\]/);
    model.dispose();
  });
});

describe('loading', () => {
  it('loads a model folder from disk with its metadata.json', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lab-model-'));
    try {
      const model = randomizeWeights(TOPOLOGIES.plainCnn(), 51);
      for (const f of await modelFiles(model, 2)) await writeFile(join(dir, f.name), f.bytes);
      await writeFile(join(dir, 'metadata.json'), JSON.stringify({ labels: ['a', 'b', 'c'] }));
      const before = tf.memory().numTensors;
      const { validated, model: loaded } = await loadModelFolder(dir);
      expect(validated.classNames).toEqual(['a', 'b', 'c']);
      expect(validated.name).toMatch(/^lab-model-/);
      expect(loaded.countParams()).toBe(model.countParams());
      loaded.dispose();
      expect(tf.memory().numTensors).toBe(before);
      model.dispose();
    } finally {
      await rm(dir, { recursive: true });
    }
  });

  it('disposeModel frees every weight of a model with nested models', async () => {
    const model = TOPOLOGIES.nested();
    const validated = validateModelFiles(await modelFiles(model));
    model.dispose();
    const before = tf.memory().numTensors;
    disposeModel(await loadValidatedModel(validated));
    expect(tf.memory().numTensors).toBe(before);
  });

  it('turns a tfjs build failure into a LabError and frees the half-built layers', async () => {
    const model = TOPOLOGIES.plainCnn();
    const validated = validateModelFiles(await modelFiles(model));
    model.dispose();
    // A failure validation cannot foresee: tfjs builds layers 0–1, then fails on layer 2's config.
    const topology = structuredClone(validated.modelTopology) as { config: { layers: { config: Record<string, unknown> }[] } };
    topology.config.layers[2].config['kernel_initializer'] = { class_name: 'NoSuchInitializer', config: {} };
    const before = tf.memory().numTensors;
    await expect(loadValidatedModel({ ...validated, modelTopology: topology as unknown as typeof validated.modelTopology })).rejects.toThrow(/tfjs could not build the model: [\s\S]*NoSuchInitializer/);
    expect(tf.memory().numTensors).toBe(before);
    await expect(loadModelFolder('/no/such/folder')).rejects.toThrow(LabError);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { buildBlockGraph } from '../../../../src/core/model/block-graph';
import { mergeBlocks } from '../../../../src/core/model/block-edit';
import { disposeModel, loadValidatedModel } from '../../../../src/core/model/load';
import { loadModelFolder } from '../../../../src/core/model/load-folder';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { splitModel } from '../../../../src/core/model/split';
import { validateModelFiles } from '../../../../src/core/model/validate';
import { LabError } from '../../../../src/core/errors';
import type { BlockGraph } from '../../../../src/core/types';
import { modelFiles } from './files';
import { randomInput, randomizeWeights, TOPOLOGIES } from './fixtures';

interface Loaded {
  original: tf.LayersModel;
  model: tf.LayersModel;
  graph: BlockGraph;
}
const loaded = new Map<string, Loaded>();
const DEMO_DIR = 'public/models';

beforeAll(async () => {
  await tf.setBackend('cpu');
  for (const [name, make] of Object.entries(TOPOLOGIES)) {
    const original = randomizeWeights(make(), 11);
    // Two shards: the split tests also cover multi-shard import.
    const validated = validateModelFiles(await modelFiles(original, 2));
    loaded.set(name, { original, model: await loadValidatedModel(validated), graph: buildBlockGraph(validated.flat) });
  }
});

afterAll(() => {
  for (const { original, model } of loaded.values()) {
    original.dispose();
    model.dispose();
  }
});

async function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): Promise<number> {
  const d = tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))));
  const [value] = await d.data();
  d.dispose();
  return value;
}

/** max |suffix(block(prefix(x))) − model.predict(x)| over every block, checking shapes and leaks. */
async function splitErrors(model: tf.LayersModel, graph: BlockGraph, x: tf.Tensor): Promise<number[]> {
  const reference = model.predict(x) as tf.Tensor;
  const errors: number[] = [];
  for (const block of graph.blocks) {
    const before = tf.memory().numTensors;
    const split = splitModel(model, graph, block.index);
    const p = split.prefix(x);
    const b = split.block(p);
    const s = split.suffix(b);
    expect(p.shape.slice(1)).toEqual(block.inputShape);
    expect(b.shape.slice(1)).toEqual(block.outputShape);
    errors.push(await maxAbsDiff(s, reference));
    tf.dispose([p, b, s]);
    split.dispose();
    expect(tf.memory().numTensors).toBe(before);
  }
  reference.dispose();
  return errors;
}

describe('import', () => {
  it('loads every topology from two shards with the original predictions', async () => {
    for (const [name, { original, model }] of loaded) {
      const x = randomInput(model, 3, 1);
      const [a, b] = [original.predict(x) as tf.Tensor, model.predict(x) as tf.Tensor];
      expect(await maxAbsDiff(a, b), name).toBe(0);
      tf.dispose([x, a, b]);
    }
  });
});

describe('splitModel', () => {
  it('prefix → block → suffix reproduces predict (≤ 1e-5) for every block of every topology', async () => {
    for (const [name, { model, graph }] of loaded) {
      const x = randomInput(model, 4, 2);
      const errors = await splitErrors(model, graph, x);
      expect(errors.length, name).toBe(graph.blocks.length);
      for (const e of errors) expect(e, name).toBeLessThanOrEqual(1e-5);
      x.dispose();
    }
  });

  it('reproduces predict for every block of every demo model in public/models', async () => {
    const demos = existsSync(DEMO_DIR) ? readdirSync(DEMO_DIR).filter((d) => existsSync(join(DEMO_DIR, d, 'model.json'))) : [];
    for (const demo of demos) {
      const { validated, model } = await loadModelFolder(join(DEMO_DIR, demo));
      const x = randomInput(model, 2, 9);
      const errors = await splitErrors(model, buildBlockGraph(validated.flat), x);
      for (const e of errors) expect(e, demo).toBeLessThanOrEqual(1e-5);
      x.dispose();
      disposeModel(model);
    }
  });

  it('works on a graph the user edited (merged blocks)', async () => {
    const { model, graph } = loaded.get('resnet') as Loaded;
    const x = randomInput(model, 2, 3);
    const errors = await splitErrors(model, mergeBlocks(mergeBlocks(graph, 1), 0), x);
    expect(errors).toHaveLength(2);
    for (const e of errors) expect(e).toBeLessThanOrEqual(1e-5);
    x.dispose();
  });

  it('shares the weights: changing a block weight in the model changes the block output', async () => {
    const { model, graph } = loaded.get('plainCnn') as Loaded;
    const split = splitModel(model, graph, 0);
    const x = randomInput(model, 1, 4);
    const before = split.block(x);
    const kernel = model.weights[0];
    const saved = kernel.read().clone();
    const bumped = tf.tidy(() => saved.add(1));
    kernel.write(bumped);
    const after = split.block(x);
    expect(await maxAbsDiff(before, after)).toBeGreaterThan(0.1);
    kernel.write(saved);
    tf.dispose([x, before, after, bumped, saved]);
  });

  it('refuses a block graph from another model and a block that does not exist', () => {
    const { model } = loaded.get('plainCnn') as Loaded;
    const { graph } = loaded.get('resnet') as Loaded;
    expect(() => splitModel(model, graph, 0)).toThrow(LabError);
    expect(() => splitModel(model, (loaded.get('plainCnn') as Loaded).graph, 7)).toThrow(/no block 7/);
  });
});

/**
 * Models as people export them, generated here: quantised weights, manifest paths in
 * sub-folders, a shard with trailing bytes, several outputs, a layer applied twice. Each loads,
 * predicts like tfjs's own load, and its export loads back with plain tf.loadLayersModel.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { LabError } from '../../../../src/core/errors';
import { internalCuts, splitBlock } from '../../../../src/core/model/block-edit';
import { buildBlockGraph } from '../../../../src/core/model/block-graph';
import { exportModel } from '../../../../src/core/model/export';
import { disposeModel, loadValidatedModel } from '../../../../src/core/model/load';
import { loadModelFolder } from '../../../../src/core/model/load-folder';
import { splitModel } from '../../../../src/core/model/split';
import { validateModelFiles, type ModelFile, type ValidatedModel, type ValidateOptions } from '../../../../src/core/model/validate';
import { modelFiles } from './files';
import { plainCnn, randomInput, randomizeWeights } from './fixtures';

type Sym = tf.SymbolicTensor;
const ap = (layer: tf.layers.Layer, x: Sym | Sym[]): Sym => layer.apply(x) as Sym;
const encode = (s: string): Uint8Array => new TextEncoder().encode(s);
const decode = (b: Uint8Array): string => new TextDecoder().decode(b);

interface Spec {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: { dtype: string; scale?: number; min?: number };
}
interface Json {
  modelTopology: unknown;
  weightsManifest: { paths: string[]; weights: Spec[] }[];
  [key: string]: unknown;
}

const created: tf.LayersModel[] = [];
const keep = <T extends tf.LayersModel>(m: T): T => (created.push(m), m);
let tmp: string;

beforeAll(async () => {
  await tf.setBackend('cpu');
  tmp = await mkdtemp(join(tmpdir(), 'arlab-models-'));
});

afterAll(async () => {
  for (const m of created) disposeModel(m);
  await rm(tmp, { recursive: true, force: true });
});

async function maxAbsDiff(a: tf.Tensor | tf.Tensor[], b: tf.Tensor): Promise<number> {
  const x = Array.isArray(a) ? a[0] : a;
  expect(x.shape).toEqual(b.shape);
  const d = tf.tidy(() => tf.max(tf.abs(tf.sub(x, b))));
  const [v] = await d.data();
  d.dispose();
  return v;
}

/** Validates and loads `files`; returns the lab's model and validation. */
async function labLoad(files: ModelFile[], options: ValidateOptions = {}): Promise<{ validated: ValidatedModel; model: tf.LayersModel }> {
  const validated = validateModelFiles(files, options);
  return { validated, model: keep(await loadValidatedModel(validated)) };
}

/** The lab's export of `model`, loaded with nothing but tfjs. */
async function plainReload(model: tf.LayersModel): Promise<tf.LayersModel> {
  const exported = await exportModel(model);
  const json = JSON.parse(exported.modelJson) as Json;
  expect(json.weightsManifest[0].weights.every((w) => w.dtype === 'float32' && w.quantization === undefined)).toBe(true);
  const weights = exported.weights.buffer.slice(exported.weights.byteOffset, exported.weights.byteOffset + exported.weights.byteLength) as ArrayBuffer;
  return keep(await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology as object, weightSpecs: json.weightsManifest[0].weights as tf.io.WeightsManifestEntry[], weightData: weights })));
}

/** tfjs's own load of the files (the reference for what "tfjs loads" means). */
async function tfjsLoad(files: ModelFile[]): Promise<tf.LayersModel> {
  const json = JSON.parse(decode(files.find((f) => f.name.endsWith('model.json'))!.bytes)) as Json;
  const byBase = new Map(files.map((f) => [f.name.split('/').pop()!, f.bytes]));
  const parts = json.weightsManifest.flatMap((g) => g.paths.map((p) => byBase.get(p.split('/').pop()!)!));
  const data = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) (data.set(p, o), (o += p.length));
  return keep(await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology as object, weightSpecs: json.weightsManifest.flatMap((g) => g.weights) as tf.io.WeightsManifestEntry[], weightData: data.buffer })));
}

function parse(files: ModelFile[]): Json {
  return JSON.parse(decode(files.find((f) => f.name.endsWith('model.json'))!.bytes)) as Json;
}

function half(v: number): number {
  const u = new Uint32Array(new Float32Array([v]).buffer)[0];
  const sign = (u >>> 16) & 0x8000;
  const exp = ((u >>> 23) & 0xff) - 112;
  const mant = u & 0x7fffff;
  if (exp <= 0) return exp < -10 ? sign : sign | ((mant | 0x800000) >> (14 - exp));
  if (exp >= 31) return sign | 0x7c00;
  return sign | (exp << 10) | (mant >> 13);
}

/** The files with every weight quantised to `dtype` the way tensorflowjs_converter stores it. */
function quantise(files: ModelFile[], dtype: 'uint8' | 'uint16' | 'float16'): ModelFile[] {
  const json = parse(files);
  const floats = new Float32Array(new Uint8Array(files.find((f) => f.name.endsWith('.bin'))!.bytes).buffer);
  const parts: Uint8Array[] = [];
  let offset = 0;
  for (const spec of json.weightsManifest[0].weights) {
    const size = spec.shape.reduce((a, b) => a * b, 1);
    const values = floats.subarray(offset, offset + size);
    offset += size;
    if (dtype === 'float16') {
      const out = new Uint16Array(size);
      values.forEach((v, i) => (out[i] = half(v)));
      parts.push(new Uint8Array(out.buffer));
      spec.quantization = { dtype };
      continue;
    }
    const levels = dtype === 'uint8' ? 255 : 65535;
    const min = Math.min(...values);
    const scale = (Math.max(...values) - min) / levels || 1;
    const q = dtype === 'uint8' ? new Uint8Array(size) : new Uint16Array(size);
    values.forEach((v, i) => (q[i] = Math.round((v - min) / scale)));
    parts.push(new Uint8Array(q.buffer));
    spec.quantization = { dtype, scale, min };
  }
  const bytes = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) (bytes.set(p, o), (o += p.length));
  return [{ name: 'model.json', bytes: encode(JSON.stringify(json)) }, { name: json.weightsManifest[0].paths[0], bytes }];
}

/** Loads with the lab and with tfjs, compares predictions, and checks the export reloads with plain tfjs and predicts the same. */
async function expectRoundTrip(files: ModelFile[], reference: (x: tf.Tensor) => tf.Tensor, options: ValidateOptions = {}): Promise<ValidatedModel> {
  const { validated, model } = await labLoad(files, options);
  const x = randomInput(model, 4, 5);
  const ref = reference(x);
  const ours = model.predict(x) as tf.Tensor;
  expect(await maxAbsDiff(ours, ref)).toBeLessThan(1e-5);
  const reloaded = await plainReload(model);
  const again = reloaded.predict(x) as tf.Tensor;
  expect(await maxAbsDiff(again, ref)).toBeLessThan(1e-5);
  tf.dispose([x, ref, ours, again]);
  return validated;
}

describe('quantised weights', () => {
  for (const dtype of ['uint8', 'uint16', 'float16'] as const) {
    it(`${dtype}: decoded to float32 as tfjs does, with a note; the export is float32`, async () => {
      const original = keep(randomizeWeights(plainCnn(), 21));
      const files = quantise(await modelFiles(original), dtype);
      const tfjs = await tfjsLoad(files);
      const v = await expectRoundTrip(files, (x) => tfjs.predict(x) as tf.Tensor);
      expect(v.weightSpecs.every((s) => s.dtype === 'float32' && s.quantization === undefined)).toBe(true);
      expect(v.weightData.byteLength).toBe(513 * 4);
      expect(v.warnings).toHaveLength(1);
      expect(v.warnings[0]).toMatchObject({ kind: 'quantised', file: 'model.json' });
      expect(v.warnings[0].message).toContain(`weights were quantised (${dtype}`);
      expect(v.warnings[0].message).toMatch(/repaired export is float32/);
    });
  }

  it('a quantised shard that is too short is still refused', async () => {
    const files = quantise(await modelFiles(keep(randomizeWeights(plainCnn(), 2))), 'uint8');
    const cut = files.map((f) => (f.name.endsWith('.bin') ? { ...f, bytes: f.bytes.slice(0, 100) } : f));
    expect(() => validateModelFiles(cut)).toThrow(/hold 100 bytes, but the 12 weights listed in model\.json need 513 bytes/);
  });
});

describe('manifest paths in sub-folders', () => {
  async function subFolderFiles(): Promise<{ original: tf.LayersModel; files: ModelFile[] }> {
    const original = keep(randomizeWeights(plainCnn(), 4));
    const files = await modelFiles(original, 2);
    const json = parse(files);
    json.weightsManifest[0].paths = json.weightsManifest[0].paths.map((p) => `weights/${p}`);
    return { original, files: [{ name: 'model.json', bytes: encode(JSON.stringify(json)) }, ...files.filter((f) => f.name.endsWith('.bin')).map((f) => ({ name: `weights/${f.name}`, bytes: f.bytes }))] };
  }

  it('dropped as a folder: files matched by their path relative to model.json', async () => {
    const { original, files } = await subFolderFiles();
    const dropped = files.map((f) => ({ ...f, name: `my-model/${f.name}` }));
    const v = await expectRoundTrip(dropped, (x) => original.predict(x) as tf.Tensor);
    expect(v.files).toEqual(['model.json', 'weights/group1-shard1of2.bin', 'weights/group1-shard2of2.bin']);
    expect(v.warnings).toEqual([]);
  });

  it('dropped as loose files: matched by base name', async () => {
    const { original, files } = await subFolderFiles();
    const loose = files.map((f) => ({ ...f, name: f.name.split('/').pop()! }));
    await expectRoundTrip(loose, (x) => original.predict(x) as tf.Tensor);
  });

  it('a folder passed to the CLI loader, with another model in a sibling folder ignored', async () => {
    const { original, files } = await subFolderFiles();
    const dir = join(tmp, 'sub-folder-model');
    for (const f of [...files, { name: 'old/group1-shard1of2.bin', bytes: new Uint8Array(8) }, { name: 'README.md', bytes: encode('hi') }]) {
      await mkdir(dirname(join(dir, f.name)), { recursive: true });
      await writeFile(join(dir, f.name), f.bytes);
    }
    const { validated, model } = await loadModelFolder(dir);
    keep(model);
    expect(validated.files).toEqual(['model.json', 'weights/group1-shard1of2.bin', 'weights/group1-shard2of2.bin']);
    expect(validated.ignoredFiles.sort()).toEqual(['README.md', 'old/group1-shard1of2.bin']);
    const x = randomInput(model, 2, 1);
    expect(await maxAbsDiff(model.predict(x) as tf.Tensor, original.predict(x) as tf.Tensor)).toBeLessThan(1e-6);
    x.dispose();
  });

  it('two files with the listed base name and no file at the listed path: refused, naming both', async () => {
    const { files } = await subFolderFiles();
    const json = parse(files);
    json.weightsManifest[0].paths = json.weightsManifest[0].paths.map((p) => p.replace('weights/', 'w/'));
    const twice = [{ name: 'model.json', bytes: encode(JSON.stringify(json)) }, ...files.filter((f) => f.name.endsWith('.bin')), ...files.filter((f) => f.name.endsWith('.bin')).map((f) => ({ ...f, name: f.name.replace('weights/', 'copy/') }))];
    let err: unknown;
    try {
      validateModelFiles(twice);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(LabError);
    expect((err as LabError).message).toMatch(/lists the weight file w\/group1-shard1of2\.bin, and 2 files are named group1-shard1of2\.bin \(weights\/group1-shard1of2\.bin, copy\/group1-shard1of2\.bin\)/);
    expect((err as LabError).field).toBe('weightsManifest[0].paths[0]');
  });
});

describe('a shard with trailing bytes', () => {
  it('loads the listed bytes with a warning naming the shard', async () => {
    const original = keep(randomizeWeights(plainCnn(), 6));
    const files = (await modelFiles(original, 2)).map((f) => (f.name === 'group1-shard2of2.bin' ? { ...f, bytes: new Uint8Array([...f.bytes, 1, 2, 3, 4, 5, 6, 7]) } : f));
    const v = await expectRoundTrip(files, (x) => original.predict(x) as tf.Tensor);
    expect(v.warnings).toEqual([expect.objectContaining({ kind: 'trailing-bytes', file: 'group1-shard2of2.bin', field: 'weightsManifest[0]' })]);
    expect(v.warnings[0].message).toMatch(/the last 7 bytes were ignored/);
  });
});

/** An embedding output first, then the class scores; a shared conv whose second use feeds only the embedding (or, `swapped`, only the class scores). */
function twoOutputs(swapped = false): tf.LayersModel {
  const input = tf.input({ shape: [8, 8, 1] });
  const shared = tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', name: 'shared_conv' });
  const a = ap(tf.layers.reLU(), ap(shared, ap(tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu' }), input)));
  const b = ap(shared, a);
  const pooled = ap(tf.layers.flatten(), ap(tf.layers.maxPooling2d({ poolSize: 2 }), swapped ? b : a));
  const classes = ap(tf.layers.dense({ units: 3, activation: 'softmax', name: 'classes' }), pooled);
  const embedding = ap(tf.layers.dense({ units: 16, activation: 'relu', name: 'embedding' }), ap(tf.layers.globalAveragePooling2d({}), swapped ? a : b));
  const logits = ap(tf.layers.dense({ units: 5, name: 'aux_logits' }), pooled);
  return tf.model({ inputs: input, outputs: [embedding, classes, logits] });
}

describe('a model with several outputs', () => {
  it('repairs the class-score output (softmax preferred), warns, and exports that output alone', async () => {
    const original = keep(randomizeWeights(twoOutputs(), 8));
    const files = await modelFiles(original);
    const v = await expectRoundTrip(files, (x) => (original.predict(x) as tf.Tensor[])[1]);
    expect(v.outputs.map((o) => [o.layer, o.shape, o.activation, o.isClassScores])).toEqual([
      ['embedding', [16], 'relu', false],
      ['classes', [3], 'softmax', true],
      ['aux_logits', [5], 'linear', true],
    ]);
    expect(v.chosenOutput).toBe(1);
    expect(v.numClasses).toBe(3);
    expect(v.flat.outputs).toEqual(['classes']);
    expect(v.flat.layers.map((l) => l.name)).not.toContain('embedding');
    expect(v.weightSpecs.map((s) => s.name).some((n) => n.startsWith('embedding'))).toBe(false);
    const warning = v.warnings.find((w) => w.kind === 'several-outputs');
    expect(warning?.message).toMatch(/3 outputs; the lab repairs output 1, "classes" \[3\] \(the class-score output\)/);
    // The embedding branch used the shared conv a second time; without it the conv is used once.
    expect(v.warnings.some((w) => w.kind === 'shared-layer')).toBe(false);
    expect(v.flat.layers.some((l) => l.sharedLayer !== undefined)).toBe(false);
  });

  it('keeps a shared layer used twice on the kept path', async () => {
    const original = keep(randomizeWeights(twoOutputs(true), 10));
    const v = await expectRoundTrip(await modelFiles(original), (x) => (original.predict(x) as tf.Tensor[])[1]);
    expect(v.flat.layers.filter((l) => l.sharedLayer === 'shared_conv').map((l) => l.name)).toEqual(['shared_conv', 'shared_conv#2']);
    expect(v.warnings.map((w) => w.kind).sort()).toEqual(['several-outputs', 'shared-layer']);
  });

  it('lets the caller choose another class-score output by name or index, and refuses one that is not class scores', async () => {
    const original = keep(randomizeWeights(twoOutputs(), 9));
    const files = await modelFiles(original);
    const byName = await expectRoundTrip(files, (x) => (original.predict(x) as tf.Tensor[])[2], { output: 'aux_logits' });
    expect([byName.chosenOutput, byName.numClasses]).toEqual([2, 5]);
    expect(validateModelFiles(files, { output: 2 }).numClasses).toBe(5);
    expect(() => validateModelFiles(files, { output: 0 })).toThrow(/Output 0: "embedding" \[16\] relu is not class scores/);
    expect(() => validateModelFiles(files, { output: 'nope' })).toThrow(/has no output "nope"/);
  });
});

/** Conv, then one conv applied twice in a row (weight tying), pool, conv, pool, dense head. */
function sharedTwice(): tf.LayersModel {
  const input = tf.input({ shape: [8, 8, 2] });
  const tied = tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', name: 'tied' });
  let x = ap(tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', name: 'stem' }), input);
  x = ap(tf.layers.reLU({ name: 'relu_a' }), ap(tied, x));
  x = ap(tf.layers.reLU({ name: 'relu_b' }), ap(tied, x));
  x = ap(tf.layers.maxPooling2d({ poolSize: 2, name: 'pool_a' }), x);
  x = ap(tf.layers.maxPooling2d({ poolSize: 2, name: 'pool_b' }), ap(tf.layers.conv2d({ filters: 6, kernelSize: 3, padding: 'same', activation: 'relu', name: 'conv_c' }), x));
  return tf.model({ inputs: input, outputs: ap(tf.layers.dense({ units: 3, activation: 'softmax', name: 'out' }), ap(tf.layers.flatten({ name: 'flat' }), x)) });
}

describe('a layer applied twice', () => {
  it('keeps both uses in one unsearchable block that says why; split and export still work', async () => {
    const original = keep(randomizeWeights(sharedTwice(), 12));
    const v = await expectRoundTrip(await modelFiles(original), (x) => original.predict(x) as tf.Tensor);
    const uses = v.flat.layers.filter((l) => l.sharedLayer === 'tied');
    expect(uses.map((l) => [l.name, l.params])).toEqual([['tied', 148], ['tied#2', 0]]);
    expect(v.warnings).toEqual([expect.objectContaining({ kind: 'shared-layer' })]);
    expect(v.warnings[0].message).toMatch(/"tied" is applied 2 times/);
    expect(v.memory.weightBytes).toBe(original.countParams() * 4);

    const graph = buildBlockGraph(v.flat);
    const holding = graph.blocks.filter((b) => b.layers.includes('tied') || b.layers.includes('tied#2'));
    expect(holding).toHaveLength(1);
    expect(holding[0].layers).toEqual(expect.arrayContaining(['tied', 'relu_a', 'tied#2', 'relu_b']));
    expect(holding[0].unsearchableReason).toMatch(/"tied" \(2 uses\) applied more than once with the same weights/);
    expect(graph.blocks.filter((b) => b.unsearchableReason !== undefined)).toHaveLength(1);
    expect(graph.blocks.reduce((s, b) => s + b.params, 0)).toBe(original.countParams());
    expect(internalCuts(graph, holding[0].index)).not.toContain('relu_a');
    expect(() => splitBlock(graph, holding[0].index, 'relu_a')).toThrow(LabError);

    const { model } = await labLoad(await modelFiles(original));
    const x = randomInput(model, 3, 2);
    const ref = model.predict(x) as tf.Tensor;
    for (const block of graph.blocks) {
      const split = splitModel(model, graph, block.index);
      const out = tf.tidy(() => split.suffix(split.block(split.prefix(x))));
      expect(await maxAbsDiff(out, ref)).toBeLessThan(1e-5);
      out.dispose();
      split.dispose();
    }
    tf.dispose([x, ref]);
  });

  it('a shared layer applied to an input its weights do not fit is refused', async () => {
    const original = keep(randomizeWeights(sharedTwice(), 13));
    const files = await modelFiles(original);
    const json = parse(files) as Json & { modelTopology: { config: { layers: { name: string; inbound_nodes: unknown[][][] }[] } } };
    const tied = json.modelTopology.config.layers.find((l) => l.name === 'tied')!;
    const input = json.modelTopology.config.layers[0].name;
    tied.inbound_nodes[1][0][0] = input;
    const edited = [{ name: 'model.json', bytes: encode(JSON.stringify(json)) }, files[1]];
    expect(() => validateModelFiles(edited)).toThrow(/"tied" is applied again to an input of shape \[8, 8, 2\]/);
  });
});

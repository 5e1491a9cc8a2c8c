import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { LabError } from '../../../../src/core/errors';
import { validateModelFiles, type ModelFile } from '../../../../src/core/model/validate';
import { modelFiles, modelJsonOf, withModelJson } from './files';
import { nested, plainCnn, randomizeWeights } from './fixtures';

type ModelJson = {
  format?: string;
  modelTopology?: { config: { layers: { class_name: string; config: Record<string, unknown> }[] } };
  weightsManifest?: { paths: string[]; weights: { name: string; shape: number[]; dtype: string; quantization?: unknown }[] }[];
};

let cnn: ModelFile[];
let sharded: ModelFile[];

beforeAll(async () => {
  await tf.setBackend('cpu');
  const model = randomizeWeights(plainCnn(), 3);
  cnn = await modelFiles(model);
  sharded = await modelFiles(model, 3);
  model.dispose();
});

const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const json = (): ModelJson => modelJsonOf(cnn) as ModelJson;

/** The LabError `files` are rejected with (fails the test when they pass). */
function rejection(files: ModelFile[], options = {}): LabError {
  try {
    validateModelFiles(files, options);
  } catch (err) {
    expect(err).toBeInstanceOf(LabError);
    return err as LabError;
  }
  throw new Error('expected the files to be rejected');
}

function withShardBytes(files: ModelFile[], edit: (bytes: Uint8Array) => Uint8Array): ModelFile[] {
  return files.map((f) => (f.name.endsWith('.bin') ? { name: f.name, bytes: edit(f.bytes.slice()) } : f));
}

describe('validateModelFiles accepts', () => {
  it('a single-shard model and returns the artifact tfjs needs', () => {
    const v = validateModelFiles(cnn, { name: 'cnn' });
    expect(v).toMatchObject({ name: 'cnn', inputShape: [8, 8, 1], numClasses: 3, classNames: null, files: ['model.json', 'group1-shard1of1.bin'] });
    expect(v.weightData.byteLength).toBe(513 * 4);
    expect(v.weightSpecs).toHaveLength(12);
    expect(v.memory.totalBytes).toBeGreaterThan(v.memory.weightBytes);
  });

  it('shards given in any order, in folders, and builds weightData in manifest order', () => {
    const shuffled = [sharded[2], sharded[0], sharded[3], sharded[1]].map((f) => ({ ...f, name: `my-model/${f.name}` }));
    const a = new Uint8Array(validateModelFiles(shuffled).weightData);
    const b = new Uint8Array(validateModelFiles(cnn).weightData);
    expect(a).toEqual(b);
  });

  it("Teachable Machine's metadata.json labels as class names", async () => {
    const model = nested();
    const files = await modelFiles(model);
    model.dispose();
    const metadata = { tfjsVersion: '1.3.1', tmVersion: '2.4.7', modelName: 'tm-my-image-model', labels: ['cat', 'dog', 'bird'], imageSize: 224 };
    const v = validateModelFiles([...files, { name: 'metadata.json', bytes: text(JSON.stringify(metadata)) }]);
    expect(v.classNames).toEqual(['cat', 'dog', 'bird']);
    expect(v.name).toBe('tm-my-image-model');
    const bad = rejection([...files, { name: 'metadata.json', bytes: text(JSON.stringify({ labels: ['a', 'b'] })) }]);
    expect(bad.message).toMatch(/lists 2 class labels, but the model outputs 3/);
    expect(bad.file).toBe('metadata.json');
  });
});

describe('validateModelFiles refuses, naming file, field and fix', () => {
  it('no model.json', () => {
    const err = rejection(cnn.filter((f) => f.name.endsWith('.bin')));
    expect(err.message).toMatch(/No model\.json among the files \(group1-shard1of1\.bin\)/);
    expect(err.fix).toMatch(/Include the model\.json/);
  });

  it('a file that is not JSON, or not text', () => {
    expect(rejection(withModelJson(cnn, 'x').map((f) => (f.name === 'model.json' ? { ...f, bytes: text('<html>404</html>') } : f))).message).toMatch(/model\.json is not valid JSON/);
    const binary = rejection(cnn.map((f) => (f.name === 'model.json' ? { ...f, bytes: new Uint8Array([0xff, 0xfe, 0x00, 0x81]) } : f)));
    expect(binary.message).toMatch(/not a text file/);
    expect(binary.file).toBe('model.json');
  });

  it('truncated JSON', () => {
    const full = cnn[0].bytes;
    const err = rejection([{ name: 'model.json', bytes: full.slice(0, Math.floor(full.length / 2)) }, cnn[1]]);
    expect(err.message).toMatch(/model\.json is truncated: it stops after \d+ bytes/);
    expect(err.fix).toMatch(/cut short/);
  });

  it('a graph model, explaining how to get a LayersModel', () => {
    const err = rejection(withModelJson(cnn, { ...json(), format: 'graph-model' }));
    expect(err.message).toMatch(/graph model/);
    expect(err.field).toBe('format');
    expect(err.fix).toMatch(/tensorflowjs_converter --input_format keras/);
    expect(err.fix).toMatch(/model\.save/);
    const graphDef = rejection(withModelJson(cnn, { ...json(), format: undefined, modelTopology: { node: [] } }));
    expect(graphDef.message).toMatch(/graph model/);
  });

  it('no modelTopology, and no weightsManifest', () => {
    const noTopology = rejection(withModelJson(cnn, { ...json(), modelTopology: undefined }));
    expect(noTopology.message).toMatch(/has no modelTopology/);
    expect(noTopology.field).toBe('modelTopology');
    const noManifest = rejection(withModelJson(cnn, { ...json(), weightsManifest: undefined }));
    expect(noManifest.message).toMatch(/has no weightsManifest/);
    expect(noManifest.field).toBe('weightsManifest');
  });

  it('a missing shard, and an unexpected extra file', () => {
    const missing = rejection(sharded.filter((f) => f.name !== 'group1-shard2of3.bin'));
    expect(missing.message).toMatch(/The weight file group1-shard2of3\.bin listed in model\.json is missing/);
    expect(missing).toMatchObject({ file: 'group1-shard2of3.bin', field: 'weightsManifest[0].paths[1]' });
    const extra = rejection([...cnn, { name: 'other-model.bin', bytes: new Uint8Array(8) }]);
    expect(extra.message).toMatch(/Unexpected file other-model\.bin/);
    expect(extra.file).toBe('other-model.bin');
    const card = { name: 'card.json', bytes: text('{}') };
    expect(rejection([...cnn, card]).message).toMatch(/Unexpected file card\.json/);
    // A model folder may hold a model card; a stray shard is still refused.
    expect(validateModelFiles([...cnn, card], { ignoreExtraFiles: true }).ignoredFiles).toEqual(['card.json']);
    expect(rejection([...cnn, card, { name: 'x.bin', bytes: new Uint8Array(4) }], { ignoreExtraFiles: true }).message).toMatch(/Unexpected file x\.bin/);
  });

  it('a shard whose length differs from the manifest', () => {
    const short = rejection(withShardBytes(cnn, (b) => b.slice(0, b.length - 4)));
    expect(short.message).toMatch(/hold 2048 bytes, but the 12 weights listed in model\.json need 2052 bytes: a shard is truncated/);
    // Trailing bytes are what tfjs ignores too: accepted with a warning, the listed bytes used.
    const long = validateModelFiles(withShardBytes(cnn, (b) => new Uint8Array([...b, 0, 0, 0, 0])));
    expect(long.warnings).toEqual([expect.objectContaining({ kind: 'trailing-bytes', file: 'group1-shard1of1.bin' })]);
    expect(long.warnings[0].message).toMatch(/hold 2056 bytes.*need 2052: the last 4 bytes were ignored/);
    expect(new Uint8Array(long.weightData)).toEqual(new Uint8Array(validateModelFiles(cnn).weightData));
  });

  it('a manifest weight the topology lacks, the reverse, and a wrong shape', () => {
    const renamed = json();
    renamed.weightsManifest![0].weights[0].name = 'conv_from_elsewhere/kernel';
    expect(rejection(withModelJson(cnn, renamed)).message).toMatch(/lists weight "conv_from_elsewhere\/kernel", but the topology has no layer weight/);
    const dropped = json();
    const gone = dropped.weightsManifest![0].weights.splice(1, 1)[0];
    const err = rejection(withModelJson(cnn, dropped));
    expect(err.message).toMatch(/needs 1 weight\(s\) that model\.json does not list/);
    expect(err.message).toContain(gone.name);
    const reshaped = json();
    reshaped.weightsManifest![0].weights[0].shape = [3, 3, 1, 5];
    expect(rejection(withModelJson(cnn, reshaped)).message).toMatch(/has shape \[3, 3, 1, 5\] in the manifest, but layer ".*" \(Conv2D\) needs \[3, 3, 1, 4\]/);
  });

  it('unsupported dtypes and unreadable quantisation entries', () => {
    const ints = json();
    ints.weightsManifest![0].weights[0].dtype = 'int32';
    const err = rejection(withModelJson(cnn, ints));
    expect(err.message).toMatch(/has dtype "int32"; layer weights must be float32/);
    expect(err.field).toBe('weightsManifest[0].weights[0].dtype');
    const int4 = json();
    int4.weightsManifest![0].weights[0].quantization = { dtype: 'int4', scale: 0.01, min: -1 };
    const q = rejection(withModelJson(cnn, int4));
    expect(q.message).toMatch(/is quantised to "int4"; tfjs reads uint8, uint16 or float16/);
    expect(q.field).toBe('weightsManifest[0].weights[0].quantization.dtype');
    const noScale = json();
    noScale.weightsManifest![0].weights[0].quantization = { dtype: 'uint8', min: -1 };
    expect(rejection(withModelJson(cnn, noScale)).message).toMatch(/quantised to uint8 but its scale is null/);
  });

  it('NaN and Infinity weights, naming the weight and the shard', () => {
    const nan = rejection(withShardBytes(cnn, (b) => (new Float32Array(b.buffer).fill(Number.NaN, 40, 41), b)));
    expect(nan.message).toMatch(/holds NaN at element \d+/);
    expect(nan.file).toBe('group1-shard1of1.bin');
    expect(nan.field).toMatch(/\/(kernel|bias)$/);
    const inf = rejection(withShardBytes(cnn, (b) => (new Float32Array(b.buffer).fill(Number.NEGATIVE_INFINITY, 3, 4), b)));
    expect(inf.message).toMatch(/holds -Infinity at element 3/);
  });

  it('layer classes the lab cannot run, listing every one', () => {
    const custom = json();
    custom.modelTopology!.config.layers[1].class_name = 'Lambda';
    custom.modelTopology!.config.layers[4].class_name = 'MyCustomAttention';
    const err = rejection(withModelJson(cnn, custom));
    expect(err.message).toMatch(/layer classes the lab cannot run: Lambda \(e\.g\. ".*"\), MyCustomAttention/);
    expect(err.fix).toMatch(/Lambda layers hold Python code/);
  });

  it('an activation tfjs does not know', () => {
    const custom = json();
    custom.modelTopology!.config.layers[0].config['activation'] = 'my_swishy';
    const err = rejection(withModelJson(cnn, custom));
    expect(err.message).toMatch(/uses activation "my_swishy", which tfjs cannot run/);
    expect(err.field).toMatch(/layers\[0\]\.config\.activation$/);
    const keras = json();
    keras.modelTopology!.config.layers[0].config['activation'] = 'hard_sigmoid';
    expect(validateModelFiles(withModelJson(cnn, keras)).numClasses).toBe(3);
  });

  it('an input that is not a single rank-4 image', async () => {
    const flat = tf.sequential({ layers: [tf.layers.dense({ inputShape: [16], units: 3, activation: 'softmax' })] });
    const err = rejection(await modelFiles(flat));
    expect(err.message).toMatch(/input has shape \[batch, 16\]; the lab needs a rank-4 image tensor/);
    const a = tf.input({ shape: [4, 4, 1] });
    const b = tf.input({ shape: [4, 4, 1] });
    const two = tf.model({ inputs: [a, b], outputs: tf.layers.dense({ units: 2 }).apply(tf.layers.flatten().apply(tf.layers.add().apply([a, b]))) as tf.SymbolicTensor });
    expect(rejection(await modelFiles(two)).message).toMatch(/The model has 2 inputs/);
    flat.dispose();
    two.dispose();
  });

  it('an output that is not class scores', async () => {
    const build = (units: number, activation: 'sigmoid' | 'relu') => tf.sequential({ layers: [tf.layers.flatten({ inputShape: [4, 4, 1] }), tf.layers.dense({ units, activation })] });
    const binary = build(1, 'sigmoid');
    expect(rejection(await modelFiles(binary)).message).toMatch(/output has shape \[batch, 1\]; a classifier outputs \[batch, classes\] with at least 2 classes/);
    const relu = build(4, 'relu');
    const err = rejection(await modelFiles(relu));
    expect(err.message).toMatch(/applies relu; the lab needs class scores/);
    expect(err.fix).toMatch(/softmax/);
    binary.dispose();
    relu.dispose();
  });

  it('a model too large for the memory budget, with the estimate', () => {
    const err = rejection(cnn, { memoryBudgetBytes: 100_000, batchSize: 64 });
    expect(err.message).toMatch(/too large for the lab: about 0\.\d MB to train with a batch of 64 \(weights 0\.0 MB, activations 0\.0 MB per image\), over the 0\.1 MB budget/);
    expect(err.fix).toMatch(/smaller model/);
  });
});

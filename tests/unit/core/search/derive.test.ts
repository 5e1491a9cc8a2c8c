import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { buildDerivedBlock, type DerivedBlockSpec } from '../../../../src/core/search/derive';
import { ALL_OPS, SEP_CHAIN, parseGenotype } from '../../../../src/core/search/genotype';
import { PRESETS } from '../../../../src/core/search/presets';
import { edgeCount } from '../../../../src/core/search/layout';
import { LabError } from '../../../../src/core/errors';
import type { Genotype } from '../../../../src/core/types';
import { dilatedDepthwiseConv2d } from '../../../../src/core/search/ops/dilate';
import { randomTensor } from './gradcheck';

let before = 0;
beforeAll(async () => {
  await tf.setBackend('cpu');
  before = tf.memory().numTensors;
});
afterAll(() => expect(tf.memory().numTensors).toBe(before));

/** A lite (3-node) genotype that uses every lite op, parsed from a made-up α. */
const liteGenotype: Genotype = parseGenotype(
  Array.from({ length: edgeCount(3) }, (_, e) => PRESETS.lite.ops.map((_, o) => (o === 1 + (e % 4) ? 0.6 : 0.1))),
  3,
  PRESETS.lite.ops,
);

async function roundTrip(model: tf.LayersModel): Promise<tf.LayersModel> {
  let saved: tf.io.ModelArtifacts | null = null;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  return tf.loadLayersModel(tf.io.fromMemory(saved!));
}

describe('derived block', () => {
  const cases = [
    { name: 'SEP_CHAIN', genotype: SEP_CHAIN, size: 6, cin: 3, cout: 8, stride: 1, residual: false },
    { name: 'SEP_CHAIN', genotype: SEP_CHAIN, size: 6, cin: 4, cout: 8, stride: 2, residual: true },
    { name: 'ALL_OPS', genotype: ALL_OPS, size: 7, cin: 4, cout: 6, stride: 2, residual: true },
    { name: 'ALL_OPS', genotype: ALL_OPS, size: 5, cin: 6, cout: 6, stride: 1, residual: true },
    { name: 'lite', genotype: liteGenotype, size: 7, cin: 3, cout: 10, stride: 2, residual: false },
    { name: 'lite', genotype: liteGenotype, size: 4, cin: 5, cout: 9, stride: 1, residual: true },
  ] as const;

  it.each(cases)('$name on size $size, Cin $cin → Cout $cout, stride $stride, residual $residual: shape, save and load', async ({ genotype, size, cin, cout, stride, residual }) => {
    const side = Math.ceil(size / stride);
    const spec: DerivedBlockSpec = { inputShape: [size, size, cin], outputShape: [side, side, cout], stride, steps: genotype.steps, residual, seed: 4 };
    const input = tf.input({ shape: spec.inputShape });
    const output = buildDerivedBlock(genotype, spec)(input);
    expect(output.shape).toEqual([null, side, side, cout]);
    const model = tf.model({ inputs: input, outputs: output });
    const classNames = model.layers.map((l) => l.getClassName());
    expect(classNames.every((c) => ['InputLayer', 'Activation', 'Conv2D', 'SeparableConv2D', 'MaxPooling2D', 'AveragePooling2D', 'Add', 'Concatenate', 'BatchNormalization', 'ZeroPadding2D', 'Cropping2D'].includes(c))).toBe(true);
    const x = randomTensor([2, size, size, cin], 8);
    const loaded = await roundTrip(model);
    const a = model.predict(x) as tf.Tensor;
    const b = loaded.predict(x) as tf.Tensor;
    expect(a.shape).toEqual([2, side, side, cout]);
    expect(tf.tidy(() => tf.max(tf.abs(a.sub(b))).dataSync()[0])).toBeLessThan(1e-5);
    tf.dispose([x, a, b]);
    model.dispose();
    loaded.dispose();
  });

  it.each([1, 2] as const)('dil_conv_3x3 really dilates (stride %d): matches the search op on the same weights', (stride) => {
    const genotype: Genotype = { steps: 1, edges: [{ node: 1, from: 0, op: 'dil_conv_3x3' }], concat: [1] };
    const side = Math.ceil(7 / stride);
    const spec: DerivedBlockSpec = { inputShape: [7, 7, 2], outputShape: [side, side, 3], stride, steps: 1, residual: false, seed: 1 };
    const input = tf.input({ shape: spec.inputShape });
    const model = tf.model({ inputs: input, outputs: buildDerivedBlock(genotype, spec)(input) });
    const x = randomTensor([1, 7, 7, 2], 3) as tf.Tensor4D;
    const [pre] = model.layers.filter((l) => l.getClassName() === 'Conv2D').map((l) => l.getWeights()[0] as tf.Tensor4D);
    const [depthwise, pointwise] = model.layers.find((l) => l.getClassName() === 'SeparableConv2D')!.getWeights() as tf.Tensor4D[];
    const ours = model.predict(x) as tf.Tensor;
    // Inference-mode BN with fresh statistics divides by √(1 + ε).
    const scale = 1 / Math.sqrt(1 + 1e-5);
    const reference = tf.tidy(() => {
      const node0 = tf.conv2d(tf.relu(x), pre, 1, 'same').mul(scale) as tf.Tensor4D;
      const dw = dilatedDepthwiseConv2d(tf.relu(node0), depthwise, stride, 2);
      return tf.conv2d(dw, pointwise, 1, 'valid').mul(scale);
    });
    expect(ours.shape).toEqual(reference.shape);
    expect(tf.tidy(() => tf.max(tf.abs(ours.sub(reference))).dataSync()[0])).toBeLessThan(1e-5);
    tf.dispose([x, ours, reference]);
    model.dispose();
  });

  it('runs a cell whose skips hand one node to a layer twice (predict and gradients)', () => {
    // 1←0 and 2←{0,1} all skip: node 2 adds node 0 to itself, and the concat reads node 0 via node 1.
    const genotype: Genotype = {
      steps: 3,
      edges: [
        { node: 1, from: 0, op: 'skip_connect' },
        { node: 2, from: 0, op: 'skip_connect' },
        { node: 2, from: 1, op: 'skip_connect' },
        { node: 3, from: 1, op: 'skip_connect' },
        { node: 3, from: 2, op: 'max_pool_3x3' },
      ],
      concat: [1, 2, 3],
    };
    const spec: DerivedBlockSpec = { inputShape: [5, 5, 4], outputShape: [5, 5, 6], stride: 1, steps: 3, residual: true, seed: 4 };
    const input = tf.input({ shape: spec.inputShape });
    const model = tf.model({ inputs: input, outputs: buildDerivedBlock(genotype, spec)(input) });
    const x = randomTensor([2, 5, 5, 4], 5);
    const a = model.predict(x) as tf.Tensor;
    expect(a.shape).toEqual([2, 5, 5, 6]);
    const largestGrad = tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => (model.apply(x) as tf.Tensor).square().mean() as tf.Scalar);
      value.dispose();
      return Math.max(...Object.values(grads).map((g) => g.abs().max().dataSync()[0]));
    });
    expect(largestGrad).toBeGreaterThan(0);
    const b = model.predict(x) as tf.Tensor;
    expect(tf.tidy(() => tf.max(tf.abs(a.sub(b))).dataSync()[0])).toBe(0);
    tf.dispose([x, a, b]);
    model.dispose();
  });

  it('is seeded: the same seed builds the same weights', () => {
    const spec: DerivedBlockSpec = { inputShape: [4, 4, 3], outputShape: [4, 4, 8], stride: 1, steps: 4, residual: true, seed: 2 };
    const build = () => {
      const input = tf.input({ shape: spec.inputShape });
      return tf.model({ inputs: input, outputs: buildDerivedBlock(SEP_CHAIN, spec)(input) });
    };
    const [m1, m2] = [build(), build()];
    const w1 = m1.getWeights().map((t) => Array.from(t.dataSync()));
    const w2 = m2.getWeights().map((t) => Array.from(t.dataSync()));
    expect(w1).toEqual(w2);
    m1.dispose();
    m2.dispose();
  });

  it('rejects a genotype or spec that does not fit', () => {
    const spec: DerivedBlockSpec = { inputShape: [7, 7, 3], outputShape: [4, 4, 8], stride: 2, steps: 4, residual: false };
    const field = (fn: () => unknown) => {
      try {
        fn();
      } catch (err) {
        expect(err).toBeInstanceOf(LabError);
        return (err as LabError).field;
      }
      return 'no error';
    };
    expect(field(() => buildDerivedBlock(SEP_CHAIN, { ...spec, outputShape: [3, 3, 8] }))).toBe('outputShape');
    expect(field(() => buildDerivedBlock(liteGenotype, spec))).toBe('steps');
    expect(field(() => buildDerivedBlock({ ...SEP_CHAIN, edges: [...SEP_CHAIN.edges.slice(1), { node: 1, from: 0, op: 'none' }] }, spec))).toBe('genotype');
    expect(field(() => buildDerivedBlock(SEP_CHAIN, spec))).toBe('no error');
  });
});

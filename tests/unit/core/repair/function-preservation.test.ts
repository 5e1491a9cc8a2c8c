import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { blockGraphFromTopology } from '../../../../src/core/model/block-graph';
import { splitModel } from '../../../../src/core/model/split';
import { spliceBlock } from '../../../../src/core/model/splice';
import type { Json } from '../../../../src/core/model/topology';
import { createCell } from '../../../../src/core/search/cell';
import { buildDerivedBlock } from '../../../../src/core/search/derive';
import { parseGenotype } from '../../../../src/core/search/genotype';
import { edgeCount, edgeIndex } from '../../../../src/core/search/layout';
import { PRESETS } from '../../../../src/core/search/presets';
import { copyBlock } from '../../../../src/core/repair/copy-block';
import { replayModel } from '../../../../src/core/repair/replay';
import { createRng } from '../../../../src/core/random';
import { installTrainingSupport } from '../../../../src/core/tfjs/install';
import { tinyCnn } from '../localize/fixtures';

beforeAll(async () => {
  installTrainingSupport();
  await tf.setBackend('cpu');
});

const maxDiff = (a: tf.Tensor, b: tf.Tensor): number => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
const { ops, steps } = PRESETS.lite;

/** One-hot-ish α rows: `chosen[edge]` gets all the weight (an index into ops). */
function peakedSoftmax(chosen: number[]): tf.Tensor2D {
  return tf.tensor2d(chosen.flatMap((c) => ops.map((_, o) => (o === c ? 1 : 0))), [chosen.length, ops.length]);
}

describe('function-preserving repair', () => {
  it('the supernet in correction mode outputs exactly the original block before any step', () => {
    const model = tinyCnn(7);
    const graph = blockGraphFromTopology(model.toJSON(null, false) as unknown as Json, 'tiny');
    const index = graph.blocks.findIndex((b) => b.stride === 2);
    const block = graph.blocks[index];
    const split = splitModel(model, graph, index);
    const cell = createCell({ inputShape: block.inputShape as [number, number, number], outputChannels: block.outputShape[2], stride: 2, steps, ops, residual: false, outputRelu: true, correction: true }, createRng(3));
    const x = tf.randomUniform([4, 8, 8, 1], 0, 1, 'float32', 2);
    const blockIn = split.prefix(x) as tf.Tensor4D;
    const base = split.block(blockIn) as tf.Tensor4D;
    const alpha = tf.softmax(tf.randomNormal([edgeCount(steps), ops.length], 0, 1, 'float32', 4)) as tf.Tensor2D;
    for (const training of [false, true]) {
      const out = cell.apply(blockIn, alpha, training, base);
      expect(maxDiff(out, base)).toBe(0);
      out.dispose();
    }
    const logits = split.suffix(base);
    const original = model.predict(x) as tf.Tensor;
    expect(maxDiff(logits, original)).toBeLessThan(1e-6);
    tf.dispose([x, blockIn, base, alpha, logits, original]);
    cell.dispose();
    split.dispose();
    model.dispose();
  });

  it('a derived block spliced in before fine-tuning predicts exactly what the original model predicts, even from a trained supernet', () => {
    const model = tinyCnn(8);
    const graph = blockGraphFromTopology(model.toJSON(null, false) as unknown as Json, 'tiny');
    const index = graph.blocks.findIndex((b) => b.stride === 2);
    const block = graph.blocks[index];
    const cell = createCell({ inputShape: block.inputShape as [number, number, number], outputChannels: block.outputShape[2], stride: 2, steps, ops, residual: false, outputRelu: true, correction: true }, createRng(5));
    // The search moved the correction's projection away from zero; the repair restarts it.
    tf.tidy(() => cell.parts.project!.variables.forEach((v, i) => v.assign(tf.randomNormal(v.shape, 0.5, 0.3, 'float32', 30 + i))));
    const genotype = parseGenotype(Array.from({ length: edgeCount(steps) }, (_, e) => ops.map((_, o) => (o === 1 + (e % 4) ? 0.6 : 0.1))), steps, ops);
    const build = buildDerivedBlock(genotype, { inputShape: block.inputShape as [number, number, number], outputShape: block.outputShape as [number, number, number], stride: 2, steps, residual: false, outputRelu: true, base: copyBlock(model, graph, index, 'orig'), inherit: { parts: cell.parts, ops }, restartCorrection: true });
    const input = tf.input({ shape: block.inputShape });
    const blockModel = tf.model({ inputs: input, outputs: build(input) });
    const repaired = spliceBlock(model, graph, index, (sym) => replayModel(blockModel, sym));
    const x = tf.randomUniform([6, 8, 8, 1], 0, 1, 'float32', 9);
    const a = model.predict(x) as tf.Tensor;
    const b = repaired.predict(x) as tf.Tensor;
    expect(maxDiff(a, b)).toBe(0);
    // Training the copy of the original block never changes the original model.
    const copied = blockModel.layers.find((l) => l.name.startsWith('orig_'))!;
    tf.tidy(() => copied.setWeights(copied.getWeights().map((w) => w.add(1))));
    const c = model.predict(x) as tf.Tensor;
    expect(maxDiff(a, c)).toBe(0);
    tf.dispose([x, a, b, c]);
    blockModel.dispose();
    cell.dispose();
    model.dispose();
  });

  it('inherited weights reproduce the supernet when α picks exactly the genotype (inference mode)', () => {
    const cin = 3;
    const cout = 6;
    const cell = createCell({ inputShape: [6, 6, cin], outputChannels: cout, stride: 2, steps, ops, residual: false, outputRelu: false, correction: true }, createRng(11));
    const x = tf.randomNormal([8, 6, 6, cin], 0, 1, 'float32', 12) as tf.Tensor4D;
    const base = tf.randomNormal([8, 3, 3, cout], 0, 1, 'float32', 13) as tf.Tensor4D;
    // Per edge: node 1 ← 0 sep_conv; node 2 ← 0 skip (factorized reduce), ← 1 max_pool; node 3 ← 1 dil_conv, ← 2 sep_conv, ← 0 none.
    const pick = (name: string) => ops.indexOf(name as (typeof ops)[number]);
    const chosen: number[] = [];
    chosen[edgeIndex(1, 0)] = pick('sep_conv_3x3');
    chosen[edgeIndex(2, 0)] = pick('skip_connect');
    chosen[edgeIndex(2, 1)] = pick('max_pool_3x3');
    chosen[edgeIndex(3, 0)] = pick('none');
    chosen[edgeIndex(3, 1)] = pick('dil_conv_3x3');
    chosen[edgeIndex(3, 2)] = pick('sep_conv_3x3');
    const alpha = peakedSoftmax(chosen);
    // Move BN running statistics and the zero-initialised correction projection away from their start values.
    for (let i = 0; i < 3; i++) cell.apply(x, alpha, true, base).dispose();
    const projection = cell.parts.project!.variables;
    tf.tidy(() => projection.forEach((v, i) => v.assign(tf.randomNormal(v.shape, 0.5, 0.3, 'float32', 20 + i))));
    const genotype = parseGenotype(chosen.map((c) => ops.map((_, o) => (o === c ? 0.9 : 0.02))), steps, ops);
    expect(genotype.edges.map((e) => `${e.node}<${e.from}:${e.op}`)).toEqual(['1<0:sep_conv_3x3', '2<0:skip_connect', '2<1:max_pool_3x3', '3<1:dil_conv_3x3', '3<2:sep_conv_3x3']);
    const input = tf.input({ shape: [6, 6, cin] });
    const baseInput = tf.input({ shape: [3, 3, cout] });
    const build = buildDerivedBlock(genotype, { inputShape: [6, 6, cin], outputShape: [3, 3, cout], stride: 2, steps, residual: false, outputRelu: false, base: () => baseInput, inherit: { parts: cell.parts, ops } });
    const derived = tf.model({ inputs: [input, baseInput], outputs: build(input) });
    const expected = cell.apply(x, alpha, false, base);
    const actual = derived.predict([x, base]) as tf.Tensor;
    expect(maxDiff(expected, actual)).toBeLessThan(1e-4);
    tf.dispose([x, base, alpha, expected, actual]);
    derived.dispose();
    cell.dispose();
  });
});

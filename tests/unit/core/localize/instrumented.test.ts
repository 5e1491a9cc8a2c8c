import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { LabError } from '../../../../src/core/errors';
import { instrumentLayersModel } from '../../../../src/core/localize/instrumented';
import type { BlockGraph } from '../../../../src/core/types';
import { blockGraphFromTopology } from '../../../../src/core/model/block-graph';
import type { Json } from '../../../../src/core/model/topology';
import { chainGraph, quadrantData, tinyCnn, TINY_BLOCKS } from './fixtures';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

async function values(t: tf.Tensor): Promise<number[]> {
  return Array.from(await t.data());
}

/** input → conv a (relu) → [conv b, add(a, b), relu] → [gap, dense]: a residual unit in the middle. */
function residualModel(): { model: tf.LayersModel; graph: BlockGraph } {
  const input = tf.input({ shape: [8, 8, 1], name: 'res_in' });
  const a = tf.layers.conv2d({ name: 'res_a', filters: 3, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }).apply(input) as tf.SymbolicTensor;
  const b = tf.layers.conv2d({ name: 'res_b', filters: 3, kernelSize: 3, padding: 'same', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }).apply(a) as tf.SymbolicTensor;
  const sum = tf.layers.add({ name: 'res_add' }).apply([a, b]) as tf.SymbolicTensor;
  const r = tf.layers.reLU({ name: 'res_relu' }).apply(sum) as tf.SymbolicTensor;
  const gap = tf.layers.globalAveragePooling2d({ name: 'res_gap' }).apply(r) as tf.SymbolicTensor;
  const out = tf.layers.dense({ name: 'res_out', units: 4, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) }).apply(gap) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: out });
  const info = (name: string, className: string, inbound: string[], block: number) => ({ name, className, inbound, outputShape: [], params: 0, macs: 0, block });
  const block = (index: number, layers: string[], inputLayer: string) => ({ index, name: `b${index}`, kind: 'other' as const, layers, inputLayer, outputLayer: layers[layers.length - 1], inputShape: [], outputShape: [], stride: 1, params: 0, macs: 0 });
  const graph: BlockGraph = {
    modelName: 'res',
    inputShape: [8, 8, 1],
    numClasses: 4,
    layers: [info('res_a', 'Conv2D', ['res_in'], 0), info('res_b', 'Conv2D', ['res_a'], 1), info('res_add', 'Add', ['res_a', 'res_b'], 1), info('res_relu', 'ReLU', ['res_add'], 1), info('res_gap', 'GlobalAveragePooling2D', ['res_relu'], 2), info('res_out', 'Dense', ['res_gap'], 2)],
    blocks: [block(0, ['res_a'], 'res_in'), block(1, ['res_b', 'res_add', 'res_relu'], 'res_a'), block(2, ['res_gap', 'res_out'], 'res_relu')],
  };
  return { model, graph };
}

describe('instrumentLayersModel', () => {
  it('exposes block outputs and the model output of a Sequential model in one pass', async () => {
    const model = tinyCnn(21);
    const inst = instrumentLayersModel(model, chainGraph(model, TINY_BLOCKS));
    const ds = quadrantData(3, 1);
    const x = tf.tensor4d(ds.images, [3, 8, 8, 1]);
    const before = tf.memory().numTensors;
    const { output, blockOutputs } = inst.forward(x);
    expect(blockOutputs.map((t) => t.shape)).toEqual([[3, 8, 8, 4], [3, 4, 4, 6], [3, 4, 4, 8], [3, 4]]);
    const reference = model.predict(x) as tf.Tensor;
    expect(await values(output)).toEqual(await values(reference));
    expect(await values(blockOutputs[3])).toEqual(await values(reference));
    tf.dispose([output, ...blockOutputs, reference]);
    expect(tf.memory().numTensors).toBe(before);
    expect(inst.numBlocks).toBe(4);
    expect(inst.numClasses).toBe(4);
    expect(inst.outputKind).toBe('logits');
    // conv-relu, conv-relu-pool, conv-relu are non-negative; the linear head is not.
    expect(inst.nonNegativeOutputs).toEqual([true, true, true, false]);
    expect(inst.blockWeights(1).map((v) => v.shape)).toEqual([[3, 3, 4, 6], [6]]);
    expect(inst.blockWeights(1)[0]).toBeInstanceOf(tf.Variable);
    x.dispose();
    model.dispose();
  });

  it('handles a functional model with a residual block and a softmax output', async () => {
    const { model, graph } = residualModel();
    const inst = instrumentLayersModel(model, graph);
    expect(inst.outputKind).toBe('probabilities');
    expect(inst.nonNegativeOutputs).toEqual([true, true, false]);
    expect(inst.blockWeights(1)).toHaveLength(2);
    const x = tf.tensor4d(quadrantData(2, 2).images, [2, 8, 8, 1]);
    const { output, blockOutputs } = inst.forward(x);
    expect(blockOutputs.map((t) => t.shape)).toEqual([[2, 8, 8, 3], [2, 8, 8, 3], [2, 4]]);
    const sums = await tf.sum(output, 1).data();
    expect(sums[0]).toBeCloseTo(1, 5);
    tf.dispose([x, output, ...blockOutputs]);
    model.dispose();
  });

  it('runs a nested model layer by layer over the flat graph', async () => {
    const inner = tf.sequential({ name: 'inner_seq', layers: [tf.layers.conv2d({ name: 'ic1', inputShape: [8, 8, 1], filters: 2, kernelSize: 3, activation: 'relu' }), tf.layers.conv2d({ name: 'ic2', filters: 3, kernelSize: 3, activation: 'relu' })] });
    const outer = tf.sequential({ name: 'outer', layers: [inner, tf.layers.conv2d({ name: 'oc', filters: 3, kernelSize: 3 }), tf.layers.flatten({ name: 'fl' }), tf.layers.dense({ name: 'out', units: 2, activation: 'softmax' })] });
    const graph = blockGraphFromTopology(outer.toJSON(null, false) as Json);
    const inst = instrumentLayersModel(outer, graph);
    expect(inst.numBlocks).toBe(graph.blocks.length);
    expect(inst.outputKind).toBe('probabilities');
    expect(inst.nonNegativeOutputs[0]).toBe(true);
    const x = tf.tensor4d(quadrantData(2, 3).images, [2, 8, 8, 1]);
    const before = tf.memory().numTensors;
    const { output, blockOutputs } = inst.forward(x);
    const reference = outer.predict(x) as tf.Tensor;
    const [got, want] = [await values(output), await values(reference)];
    got.forEach((v, i) => expect(v).toBeCloseTo(want[i], 5));
    expect(blockOutputs[0].shape).toEqual([2, 6, 6, 2]);
    tf.dispose([...new Set([output, ...blockOutputs]), reference]);
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    outer.dispose();
  });

  it('rejects a graph that does not belong to the model', () => {
    const model = tinyCnn(22);
    const other = tinyCnn(23);
    expect(() => instrumentLayersModel(model, chainGraph(other, TINY_BLOCKS))).toThrow(LabError);
    model.dispose();
    other.dispose();
  });
});

import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { blockGraphFromTopology } from '../../../../src/core/model/block-graph';
import { internalCuts, mergeBlocks, splitBlock } from '../../../../src/core/model/block-edit';
import { exportModel } from '../../../../src/core/model/export';
import { LabError } from '../../../../src/core/errors';
import type { BlockGraph } from '../../../../src/core/types';
import type { Json } from '../../../../src/core/model/topology';
import { TOPOLOGIES } from './fixtures';

const graphs = new Map<string, BlockGraph>();
const paramCounts = new Map<string, number>();

beforeAll(async () => {
  await tf.setBackend('cpu');
  for (const [name, make] of Object.entries(TOPOLOGIES)) {
    const model = make();
    const json = JSON.parse((await exportModel(model)).modelJson) as { modelTopology: Json };
    graphs.set(name, blockGraphFromTopology(json.modelTopology));
    paramCounts.set(name, model.countParams());
    model.dispose();
  }
});

const g = (name: string): BlockGraph => graphs.get(name) as BlockGraph;
const kinds = (graph: BlockGraph): string[] => graph.blocks.map((b) => b.kind);
const short = (layer: string): string => layer.split('/').pop()?.replace(/_[A-Z][A-Za-z0-9]*\d+$/, '') ?? layer;

describe('block graph', () => {
  it('groups a sequential CNN into conv units and a head', () => {
    const graph = g('plainCnn');
    expect(kinds(graph)).toEqual(['conv-unit', 'conv-unit', 'head']);
    expect(graph.blocks.map((b) => b.name)).toEqual(['conv unit 1', 'conv unit 2', 'head']);
    expect(graph.blocks[1].layers.map(short)).toEqual(['conv2d', 'batch_normalization', 'activation', 'max_pooling2d', 'dropout']);
    expect(graph.blocks[0]).toMatchObject({ inputShape: [8, 8, 1], outputShape: [4, 4, 4], stride: 2, params: 40, macs: 8 * 8 * 4 * 9 });
    expect(graph.blocks[2]).toMatchObject({ inputShape: [2, 2, 6], outputShape: [3], stride: 1 });
    expect(graph.inputShape).toEqual([8, 8, 1]);
    expect(graph.numClasses).toBe(3);
  });

  it('keeps identity and projection residual units whole', () => {
    const graph = g('resnet');
    expect(kinds(graph)).toEqual(['conv-unit', 'residual', 'residual', 'head']);
    expect(graph.blocks[1].layers.map(short)).toEqual(['conv2d', 'batch_normalization', 're_lu', 'conv2d', 'batch_normalization', 'add', 'activation']);
    // The projection shortcut (1×1 stride-2 conv) belongs to the second unit.
    expect(graph.blocks[2].layers.filter((l) => short(l) === 'conv2d')).toHaveLength(3);
    expect(graph.blocks[2]).toMatchObject({ inputShape: [8, 8, 4], outputShape: [4, 4, 8], stride: 2 });
    // 3×3×4×8+8 + 3×3×8×8+8 + 1×1×4×8+8 MAC-free params; MACs at 4×4 output.
    expect(graph.blocks[2].params).toBe(296 + 584 + 40);
    expect(graph.blocks[2].macs).toBe(16 * 8 * (36 + 72 + 4) + 16 * 8);
  });

  it('keeps an inception module and a dense block whole', () => {
    expect(kinds(g('inception'))).toEqual(['conv-unit', 'module', 'conv-unit', 'head']);
    expect(g('inception').blocks[1]).toMatchObject({ name: 'module 1', outputShape: [8, 8, 7] });
    const dense = g('densenet');
    expect(kinds(dense)).toEqual(['conv-unit', 'module', 'conv-unit', 'head']);
    expect(dense.blocks[1].name).toBe('dense block 1');
    expect(dense.blocks[1].layers.filter((l) => short(l) === 'concatenate')).toHaveLength(3);
    expect(dense.blocks[1].outputShape).toEqual([8, 8, 10]);
  });

  it('keeps a depthwise conv with its pointwise conv, and BN/ReLU/Dropout with their conv', () => {
    const graph = g('bnDropout');
    expect(kinds(graph)).toEqual(['conv-unit', 'conv-unit', 'conv-unit', 'head']);
    expect(graph.blocks[0].layers.map(short)).toEqual(['zero_padding2d', 'conv2d', 'batch_normalization', 're_lu']);
    expect(graph.blocks[1].layers.map(short)).toEqual(['depthwise_conv2d', 'batch_normalization', 're_lu', 'conv2d', 'batch_normalization', 're_lu']);
    expect(graph.blocks[2].layers.map(short)).toEqual(['separable_conv2d', 'dropout']);
    expect(graph.blocks[3].layers.map(short)).toEqual(['global_max_pooling2d', 'dropout', 'dense']);
  });

  it('flattens nested Sequential and functional models (Teachable Machine shape)', () => {
    const graph = g('nested');
    expect(graph.inputShape).toEqual([12, 12, 3]);
    expect(kinds(graph)).toEqual(['conv-unit', 'conv-unit', 'residual', 'head']);
    expect(graph.layers.every((l) => !/^sequential_\d+$|^trunk$|^base$/.test(l.name))).toBe(true);
    expect(graph.blocks[1].layers.every((l) => l.includes('/trunk/base/'))).toBe(true);
    expect(graph.blocks[3].layers).toHaveLength(3);
  });

  it('is consistent on every topology: params add up, blocks chain, layers know their block', () => {
    for (const [name, graph] of graphs) {
      expect(graph.layers.reduce((s, l) => s + l.params, 0), name).toBe(paramCounts.get(name));
      expect(graph.blocks.reduce((s, b) => s + b.params, 0), name).toBe(paramCounts.get(name));
      expect(graph.blocks[0].inputLayer).toBe(graph.layers[0].name);
      expect(graph.blocks.at(-1)?.outputLayer).toBe(graph.layers.at(-1)?.name);
      graph.blocks.forEach((b, i) => {
        expect(b.params, `${name} block ${i} holds weights`).toBeGreaterThan(0);
        if (i > 0) expect(b.inputLayer).toBe(graph.blocks[i - 1].outputLayer);
        for (const layer of b.layers) expect(graph.layers.find((l) => l.name === layer)?.block).toBe(i);
      });
      expect(graph.layers[0].block).toBe(-1);
    }
  });
});

describe('merge and split', () => {
  it('merges two blocks and splits them back at the same cut', () => {
    const graph = g('plainCnn');
    const merged = mergeBlocks(graph, 0);
    expect(merged.blocks).toHaveLength(2);
    expect(merged.blocks[0]).toMatchObject({ inputShape: [8, 8, 1], outputShape: [2, 2, 6], stride: 4, params: 286, kind: 'conv-unit' });
    expect(merged.layers.find((l) => l.name === graph.blocks[1].layers[0])?.block).toBe(0);
    const cuts = internalCuts(merged, 0);
    expect(cuts).toContain(graph.blocks[0].outputLayer);
    expect(splitBlock(merged, 0, graph.blocks[0].outputLayer)).toEqual(graph);
    expect(graph.blocks).toHaveLength(3);
  });

  it('merging into the head gives a head; renumbering follows', () => {
    const merged = mergeBlocks(g('resnet'), 2);
    expect(kinds(merged)).toEqual(['conv-unit', 'residual', 'head']);
    expect(merged.blocks.map((b) => b.index)).toEqual([0, 1, 2]);
  });

  it('refuses a split that is not at an internal cut, naming the allowed ones', () => {
    const graph = g('resnet');
    expect(internalCuts(graph, 1)).toEqual([]);
    expect(() => splitBlock(graph, 1, graph.blocks[1].layers[1])).toThrow(/cannot be split/);
    const merged = mergeBlocks(graph, 0);
    try {
      splitBlock(merged, 0, graph.blocks[1].layers[2]);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(LabError);
      expect((err as LabError).fix).toContain(graph.blocks[0].outputLayer);
    }
    expect(() => mergeBlocks(graph, graph.blocks.length - 1)).toThrow(/last block/);
    expect(() => mergeBlocks(graph, 9)).toThrow(/no block 9/);
  });
});

describe('Keras-converter topologies', () => {
  const conv = (name: string, inbound: string, extra: Record<string, Json> = {}): Json => ({
    class_name: 'Conv2D',
    name,
    config: { name, filters: 2, kernel_size: [3, 3], strides: [1, 1], padding: 'same', activation: 'relu', use_bias: true, ...extra },
    inbound_nodes: [[[inbound, 0, 0, {}]]],
  });
  const kerasModel = (layers: Json[]): Json => ({
    keras_version: '2.15.0',
    backend: 'tensorflow',
    model_config: {
      class_name: 'Functional',
      config: {
        name: 'keras_model',
        layers: [{ class_name: 'InputLayer', name: 'input_1', config: { batch_input_shape: [null, 6, 6, 1], dtype: 'float32', name: 'input_1' }, inbound_nodes: [] }, ...layers],
        input_layers: [['input_1', 0, 0]],
        output_layers: [['dense', 0, 0]],
      },
    },
  });
  const head: Json[] = [
    { class_name: 'Flatten', name: 'flatten', config: { name: 'flatten' }, inbound_nodes: [[['conv2d_1', 0, 0, {}]]] },
    { class_name: 'Dense', name: 'dense', config: { name: 'dense', units: 2, activation: 'softmax' }, inbound_nodes: [[['flatten', 0, 0, {}]]] },
  ];

  it('reads the model_config wrapper, scalar kernel sizes and layers listed out of order', () => {
    const graph = blockGraphFromTopology(kerasModel([head[1], conv('conv2d_1', 'conv2d', { kernel_size: 3, strides: 2 }), head[0], conv('conv2d', 'input_1')]));
    expect(graph.layers.map((l) => l.name)).toEqual(['input_1', 'conv2d', 'conv2d_1', 'flatten', 'dense']);
    expect(graph.blocks.map((b) => b.outputShape)).toEqual([[6, 6, 2], [3, 3, 2], [2]]);
  });

  it('refuses the Keras 3 wiring format, a missing inbound layer and a cycle with the layer named', () => {
    const keras3 = { ...(conv('conv2d', 'input_1') as Record<string, Json>), inbound_nodes: [{ args: [], kwargs: {} }] };
    expect(() => blockGraphFromTopology(kerasModel([keras3, conv('conv2d_1', 'conv2d'), ...head]))).toThrow(/Keras 3 wiring format/);
    expect(() => blockGraphFromTopology(kerasModel([conv('conv2d', 'nowhere'), conv('conv2d_1', 'conv2d'), ...head]))).toThrow(/"nowhere", which does not exist/);
    expect(() => blockGraphFromTopology(kerasModel([conv('conv2d', 'conv2d_1'), conv('conv2d_1', 'conv2d'), ...head]))).toThrow(/cycle/);
  });
});

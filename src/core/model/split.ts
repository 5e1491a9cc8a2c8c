/**
 * Splits a loaded model at a block: prefix, block and suffix run the original layers (shared
 * weights, inference mode) over concrete tensors in the graph's topological order, so
 * suffix(block(prefix(x))) equals model.predict(x).
 */
import * as tf from '@tensorflow/tfjs';
import type { BlockGraph } from '../types';
import { blockPositions, graphLayers } from './layer-map';

export interface SplitModel {
  /** [N, H, W, C] model input → the block's input tensor [N, …block.inputShape]. */
  prefix(x: tf.Tensor): tf.Tensor;
  /** The block's input → its output [N, …block.outputShape]. */
  block(x: tf.Tensor): tf.Tensor;
  /** The block's output → class scores [N, numClasses]. */
  suffix(x: tf.Tensor): tf.Tensor;
  /** Drops the references to the model's layers (the weights belong to the model). */
  dispose(): void;
}

/** Prefix/block/suffix callables for block `blockIndex`; each returns a new tensor the caller disposes. */
export function splitModel(model: tf.LayersModel, graph: BlockGraph, blockIndex: number): SplitModel {
  let layers: Map<string, tf.layers.Layer> | null = graphLayers(model, graph);
  const [start, end] = blockPositions(graph, blockIndex);
  const run = (from: number, to: number, x: tf.Tensor): tf.Tensor =>
    tf.tidy(() => {
      if (!layers) throw new Error('This split was disposed.');
      if (from > to) return x.clone();
      const values = new Map<string, tf.Tensor>([[graph.layers[from - 1].name, x]]);
      for (let p = from; p <= to; p++) {
        const info = graph.layers[p];
        const inputs = info.inbound.map((n) => values.get(n) as tf.Tensor);
        const layer = layers.get(info.name) as tf.layers.Layer;
        values.set(info.name, layer.apply(inputs.length === 1 ? inputs[0] : inputs, { training: false }) as tf.Tensor);
      }
      return values.get(graph.layers[to].name) as tf.Tensor;
    });
  const last = graph.layers.length - 1;
  return {
    prefix: (x) => run(1, start - 1, x),
    block: (x) => run(start, end, x),
    suffix: (x) => run(end + 1, last, x),
    dispose: () => {
      layers = null;
    },
  };
}

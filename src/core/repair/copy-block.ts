import * as tf from '@tensorflow/tfjs';
import type { BlockGraph } from '../types';
import { blockPositions, graphLayers } from '../model/layer-map';

type SerializableClass = [tf.serialization.SerializableConstructor<tf.serialization.Serializable>, (cls: unknown, config: tf.serialization.ConfigDict) => tf.serialization.Serializable];

/**
 * Fresh Keras layers that compute block `blockIndex` of `model` (same configs, copied weights,
 * new names under `prefix`): the original block as a path of the repaired block. Copies, not
 * the model's own layers, so training them never changes the original model and every new
 * layer has one call site (BN statistics can be recomputed from `layer.input`).
 */
export function copyBlock(model: tf.LayersModel, graph: BlockGraph, blockIndex: number, prefix: string): (input: tf.SymbolicTensor) => tf.SymbolicTensor {
  const layers = graphLayers(model, graph);
  const [start, end] = blockPositions(graph, blockIndex);
  const inputName = graph.blocks[blockIndex].inputLayer;
  const classes = tf.serialization.SerializationMap.getMap().classNameMap as unknown as Record<string, SerializableClass>;
  return (input) => {
    const values = new Map<string, tf.SymbolicTensor>([[inputName, input]]);
    for (let p = start; p <= end; p++) {
      const info = graph.layers[p];
      const original = layers.get(info.name) as tf.layers.Layer;
      const [cls, fromConfig] = classes[original.getClassName()];
      const { batchInputShape: _b, inputShape: _i, ...config } = original.getConfig() as tf.serialization.ConfigDict & { batchInputShape?: unknown; inputShape?: unknown };
      const copy = fromConfig(cls, { ...config, name: `${prefix}_${info.name.replace(/\//g, '_')}` }) as tf.layers.Layer;
      const inputs = info.inbound.map((n) => values.get(n) as tf.SymbolicTensor);
      values.set(info.name, copy.apply(inputs.length === 1 ? inputs[0] : inputs) as tf.SymbolicTensor);
      copy.setWeights(original.getWeights());
    }
    return values.get(graph.layers[end].name) as tf.SymbolicTensor;
  };
}

/** Maps the flat layer names of a BlockGraph (`outer/inner`) to the tfjs layers of a loaded model. */
import * as tf from '@tensorflow/tfjs';
import { LabError } from '../errors';
import type { BlockGraph } from '../types';

/** Every non-model layer of `model`, nested models inlined, keyed by flat name. */
export function layerMap(model: tf.LayersModel, prefix = '', out = new Map<string, tf.layers.Layer>()): Map<string, tf.layers.Layer> {
  for (const layer of model.layers) {
    if (layer instanceof tf.LayersModel) layerMap(layer, `${prefix}${layer.name}/`, out);
    else out.set(prefix + layer.name, layer);
  }
  return out;
}

/**
 * The tfjs layer for each non-input layer of `graph` (a later use `name#2` of a shared layer maps
 * to the same layer as its first use); refuses a graph built from another model.
 */
export function graphLayers(model: tf.LayersModel, graph: BlockGraph): Map<string, tf.layers.Layer> {
  const map = layerMap(model);
  for (const info of graph.layers) {
    const layer = info.sharedLayer !== undefined ? map.get(info.sharedLayer) : undefined;
    if (layer && !map.has(info.name)) map.set(info.name, layer);
  }
  for (const info of graph.layers.slice(1)) {
    if (!map.has(info.name)) throw new LabError(`The block graph names layer "${info.name}", which model "${model.name}" does not have.`, { field: 'graph', fix: 'Build the block graph from this model (the graph and the model must come from the same model.json).' });
  }
  return map;
}

/** Checks `index` and returns the block's position range [start, end] in `graph.layers`. */
export function blockPositions(graph: BlockGraph, index: number): [number, number] {
  const block = graph.blocks[index];
  if (!block) throw new LabError(`There is no block ${index}; the model has blocks 0–${graph.blocks.length - 1}.`, { field: 'blockIndex', fix: 'Pick one of the blocks of the block graph.' });
  const pos = new Map(graph.layers.map((l, i) => [l.name, i]));
  return [pos.get(block.layers[0]) as number, pos.get(block.outputLayer) as number];
}

/**
 * Replaces one block of a loaded model with new layers: a new functional LayersModel that
 * reuses every other layer object (and so shares its weights with the original model) and
 * wires `buildBlock`'s layers between the block's input and output tensors.
 */
import * as tf from '@tensorflow/tfjs';
import { LabError } from '../errors';
import type { BlockGraph } from '../types';
import { blockPositions, graphLayers } from './layer-map';

/** Builds the replacement block on the block's input tensor [null, …block.inputShape]; must return [null, …block.outputShape]. */
export type BlockBuilder = (input: tf.SymbolicTensor) => tf.SymbolicTensor;

/** A new model equal to `model` except block `blockIndex`, which `buildBlock` provides. Nested models come out flattened. */
export function spliceBlock(model: tf.LayersModel, graph: BlockGraph, blockIndex: number, buildBlock: BlockBuilder): tf.LayersModel {
  const layers = graphLayers(model, graph);
  const [start, end] = blockPositions(graph, blockIndex);
  const block = graph.blocks[blockIndex];
  const input = tf.input({ shape: graph.inputShape });
  const values = new Map<string, tf.SymbolicTensor>([[graph.layers[0].name, input]]);
  for (let p = 1; p < graph.layers.length; p++) {
    const info = graph.layers[p];
    if (p >= start && p < end) continue;
    if (p === end) {
      const blockInput = values.get(block.inputLayer) as tf.SymbolicTensor;
      const out = buildBlock(blockInput);
      renameClashes(newLayers(out, blockInput), new Set([...layers.values()].map((l) => l.name)));
      const shape = out.shape.slice(1);
      if (shape.join() !== block.outputShape.join()) {
        throw new LabError(`The replacement for ${block.name} outputs [${shape.join(', ')}], but the rest of the model expects [${block.outputShape.join(', ')}].`, { field: 'buildBlock', fix: 'Build the replacement block with the same output shape (channels and stride) as the block it replaces.' });
      }
      values.set(info.name, out);
      continue;
    }
    const inputs = info.inbound.map((n) => values.get(n) as tf.SymbolicTensor);
    const layer = layers.get(info.name) as tf.layers.Layer;
    values.set(info.name, layer.apply(inputs.length === 1 ? inputs[0] : inputs) as tf.SymbolicTensor);
  }
  const output = values.get(graph.layers[graph.layers.length - 1].name) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: output, name: `${model.name}_spliced` });
}

/** Layers created by the builder: everything between `output` and `input` in the symbolic graph. */
function newLayers(output: tf.SymbolicTensor, input: tf.SymbolicTensor): tf.layers.Layer[] {
  const found = new Set<tf.layers.Layer>();
  const seen = new Set<number>([input.id]);
  const stack = [output];
  while (stack.length > 0) {
    const t = stack.pop() as tf.SymbolicTensor;
    if (seen.has(t.id)) continue;
    seen.add(t.id);
    found.add(t.sourceLayer);
    stack.push(...t.inputs);
  }
  return [...found];
}

/**
 * tfjs numbers auto-generated layer names per session, so a layer made now can be called
 * `conv2d_Conv2D1` just like a layer loaded from model.json. Such a clash makes tf.model throw
 * and the export carry duplicate weight names, so the new layer and its weights are renamed.
 */
function renameClashes(created: tf.layers.Layer[], taken: Set<string>): void {
  for (const layer of created) {
    if (!taken.has(layer.name)) {
      taken.add(layer.name);
      continue;
    }
    let n = 1;
    while (taken.has(`${layer.name}_new${n}`)) n++;
    const oldName = layer.name;
    layer.name = `${oldName}_new${n}`;
    taken.add(layer.name);
    for (const w of layer.weights) {
      const renamed = w.originalName.replace(`${oldName}/`, `${layer.name}/`);
      // originalName is readonly in the typings but a plain field; export reads it for weight names.
      Object.defineProperty(w, 'originalName', { value: renamed, configurable: true, writable: true });
    }
  }
}

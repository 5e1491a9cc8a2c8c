import * as tf from '@tensorflow/tfjs';

/** The parts of a tfjs Node (the record of one layer call) that replay needs. */
interface NodeLike {
  inputTensors: tf.SymbolicTensor[];
  outputTensors: tf.SymbolicTensor[];
}

/**
 * Applies the layers of a single-input functional model to a new symbolic input, sharing the
 * layer objects (and so the weights). Used to train a block standalone and then wire the very
 * same layers into the full model, which then serialises flat.
 */
export function replayModel(model: tf.LayersModel, input: tf.SymbolicTensor): tf.SymbolicTensor {
  const mapped = new Map<number, tf.SymbolicTensor>([[model.inputs[0].id, input]]);
  for (const layer of model.layers) {
    if (layer.getClassName() === 'InputLayer') continue;
    const node = (layer as unknown as { inboundNodes: NodeLike[] }).inboundNodes[0];
    const inputs = node.inputTensors.map((t) => {
      const m = mapped.get(t.id);
      if (!m) throw new Error(`replayModel: layer ${layer.name} needs a tensor that was not computed yet.`);
      return m;
    });
    const out = layer.apply(inputs.length === 1 ? inputs[0] : inputs) as tf.SymbolicTensor | tf.SymbolicTensor[];
    const outs = Array.isArray(out) ? out : [out];
    node.outputTensors.forEach((t, i) => mapped.set(t.id, outs[i]));
  }
  const result = mapped.get(model.outputs[0].id);
  if (!result) throw new Error('replayModel: the model output was not reached.');
  return result;
}

import * as tf from '@tensorflow/tfjs';
import { LabError } from '../errors';
import { graphLayers } from '../model/layer-map';
import type { BlockGraph } from '../types';

/** What the classifier's output tensor holds, so the loss can be taken correctly. */
export type OutputKind = 'logits' | 'probabilities';

/**
 * The small view of a model that the localizer needs. Every call runs in inference mode
 * (BN uses its moving statistics, dropout is off), and every call is differentiable, so it
 * works inside tf.grad / tf.variableGrads.
 */
export interface InstrumentedModel {
  readonly numBlocks: number;
  readonly numClasses: number;
  readonly outputKind: OutputKind;
  /** Per block: true when its output is ≥ 0 by construction (ends with ReLU, maybe then pooling). */
  readonly nonNegativeOutputs: readonly boolean[];
  /** One pass: output [N, classes] and each block's output ([N, H, W, C] or [N, units]). */
  forward(x: tf.Tensor4D): { output: tf.Tensor2D; blockOutputs: tf.Tensor[] };
  /** The classifier output only, [N, classes]. */
  predict(x: tf.Tensor4D): tf.Tensor2D;
  /** The trainable weights of block k (shared with the model, not copies). */
  blockWeights(k: number): tf.Variable[];
}

const RELU_ACTIVATIONS = new Set(['relu', 'relu6']);
/** Layers that keep a non-negative input non-negative, so we look through them. */
const SIGN_PRESERVING = new Set(['MaxPooling2D', 'AveragePooling2D', 'GlobalAveragePooling2D', 'GlobalMaxPooling2D', 'Flatten', 'Dropout', 'Reshape', 'ZeroPadding2D', 'SpatialDropout2D']);

function activationOf(layer: tf.layers.Layer): string | undefined {
  const activation = layer.getConfig().activation;
  return typeof activation === 'string' ? activation : undefined;
}

type LayerLookup = (name: string) => tf.layers.Layer | undefined;

/** True when the output of `layerName` is ≥ 0 by construction: a ReLU, possibly followed by pooling/flatten. */
export function endsWithRelu(lookup: LayerLookup, graph: BlockGraph, layerName: string): boolean {
  const infos = new Map(graph.layers.map((l) => [l.name, l]));
  let name: string | undefined = layerName;
  for (let guard = 0; name !== undefined && guard <= graph.layers.length; guard++) {
    const layer = lookup(name);
    if (!layer) return false;
    const className = layer.getClassName();
    const activation = activationOf(layer);
    if (className === 'ReLU' || (activation !== undefined && RELU_ACTIVATIONS.has(activation))) return true;
    if (!SIGN_PRESERVING.has(className)) return false;
    const inbound: string[] = infos.get(name)?.inbound ?? [];
    name = inbound.length === 1 ? inbound[0] : undefined;
  }
  return false;
}

function outputKindOf(last: tf.layers.Layer): OutputKind {
  return last.getClassName() === 'Softmax' || activationOf(last) === 'softmax' ? 'probabilities' : 'logits';
}

function trainableVariables(layer: tf.layers.Layer): tf.Variable[] {
  return layer.trainableWeights.map((w) => {
    const v = w.read();
    if (!(v instanceof tf.Variable)) throw new Error(`Weight ${w.name} of layer ${layer.name} is not a tf.Variable`);
    return v;
  });
}

/** Runs the model's own layers in the graph's topological order (nested models inlined), keeping every layer output. */
function graphRunner(layers: Map<string, tf.layers.Layer>, graph: BlockGraph): (x: tf.Tensor4D) => Map<string, tf.Tensor> {
  const inputName = graph.blocks[0].inputLayer;
  return (x) => {
    const values = new Map<string, tf.Tensor>([[inputName, x]]);
    for (const info of graph.layers) {
      if (values.has(info.name) || info.inbound.length === 0) continue;
      const inputs = info.inbound.map((n) => values.get(n) as tf.Tensor);
      const layer = layers.get(info.name) as tf.layers.Layer;
      values.set(info.name, layer.apply(inputs.length === 1 ? inputs[0] : inputs, { training: false }) as tf.Tensor);
    }
    return values;
  };
}

/** forward() for a non-nested model: one multi-output tf.model over the block outputs and the model output. */
function multiOutputForward(model: tf.LayersModel, graph: BlockGraph): (x: tf.Tensor4D) => { output: tf.Tensor2D; blockOutputs: tf.Tensor[] } {
  const blockTensors = graph.blocks.map((b) => {
    const out = model.getLayer(b.outputLayer).output;
    if (Array.isArray(out)) throw new LabError(`Block "${b.name}" ends in layer ${b.outputLayer}, which has several outputs.`, { field: 'blocks', fix: 'Cut blocks at single-output layers.' });
    return out;
  });
  // The head block usually ends at the model output: list each symbolic tensor once.
  const unique: tf.SymbolicTensor[] = [];
  const slot = (t: tf.SymbolicTensor): number => {
    const at = unique.indexOf(t);
    return at >= 0 ? at : unique.push(t) - 1;
  };
  const blockSlots = blockTensors.map(slot);
  const outputSlot = slot(model.outputs[0]);
  const wrapper = tf.model({ inputs: model.inputs, outputs: unique });
  return (x) => {
    const raw = wrapper.apply(x, { training: false });
    const outs = Array.isArray(raw) ? (raw as tf.Tensor[]) : [raw as tf.Tensor];
    return { output: outs[outputSlot] as tf.Tensor2D, blockOutputs: blockSlots.map((s) => outs[s]) };
  };
}

/**
 * Wraps a LayersModel (Sequential or functional) as an InstrumentedModel that shares the
 * model's layers and weights. Non-nested models run as one multi-output tf.model; nested
 * models (a model used as a layer) run layer by layer over the graph's flat layer names.
 */
export function instrumentLayersModel(model: tf.LayersModel, graph: BlockGraph): InstrumentedModel {
  if (graph.blocks.length === 0) throw new LabError('The model has no blocks to localize.', { field: 'blocks', fix: 'Check the block graph of the model.' });
  const layers = graphLayers(model, graph);
  const lookup: LayerLookup = (name) => layers.get(name);
  const isNested = model.layers.some((l) => l instanceof tf.LayersModel);
  let forward: InstrumentedModel['forward'];
  if (isNested) {
    const run = graphRunner(layers, graph);
    const outputName = graph.layers[graph.layers.length - 1].name;
    // tidy keeps only the returned tensors, so the other layers' outputs do not leak.
    forward = (x) =>
      tf.tidy(() => {
        const values = run(x);
        return { output: values.get(outputName) as tf.Tensor2D, blockOutputs: graph.blocks.map((b) => values.get(b.outputLayer) as tf.Tensor) };
      });
  } else {
    forward = multiOutputForward(model, graph);
  }
  const weights = graph.blocks.map((b) => b.layers.flatMap((name) => trainableVariables(layers.get(name) as tf.layers.Layer)));
  const modelOutput = model.outputs[0];
  return {
    numBlocks: graph.blocks.length,
    numClasses: modelOutput.shape[modelOutput.shape.length - 1] ?? graph.numClasses,
    outputKind: outputKindOf(lookup(graph.layers[graph.layers.length - 1].name) ?? modelOutput.sourceLayer),
    nonNegativeOutputs: graph.blocks.map((b) => endsWithRelu(lookup, graph, b.outputLayer)),
    forward,
    predict: (x) => model.apply(x, { training: false }) as tf.Tensor2D,
    blockWeights(k) {
      if (!(k >= 0 && k < weights.length)) throw new Error(`blockWeights: no block ${k}`);
      return weights[k];
    },
  };
}

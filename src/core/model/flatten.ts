/**
 * Keras topology JSON → a flat layer DAG in topological order. Nested Sequential/functional
 * models are inlined (their layers named `outer/inner`), their input layers become aliases of
 * the tensor that feeds them. Output shapes, weights, params and MACs come from layer-math.
 * Pure: no tfjs.
 */
import { layerMath, prod, type LayerMath } from './layer-math';
import { childLayers, isObject, MODEL_CLASSES, readLayerJson, topologyError, unwrapTopology, type Json, type JsonObject, type LayerJson } from './topology';

/** One layer of the flattened DAG. */
export interface FlatLayer extends LayerMath {
  /** Unique flat name (`outer/inner` for layers of nested models). */
  name: string;
  /** The layer's own Keras name; its weights are saved as `${kerasName}/${weight}`. */
  kerasName: string;
  className: string;
  config: JsonObject;
  /** Flat names of the layers feeding this one ([] for input layers). */
  inbound: string[];
  params: number;
  /** JSON path of the layer entry in model.json. */
  path: string;
}

export interface FlatModel {
  name: string;
  /** Topological order; input layers first. */
  layers: FlatLayer[];
  /** Flat names of the model's input layers. */
  inputs: string[];
  /** Flat name of the layer producing the model's single output. */
  output: string;
}

interface Context {
  layers: FlatLayer[];
  byName: Map<string, FlatLayer>;
  inputs: string[];
}

/** Parses `modelTopology` (with or without the converter's model_config wrapper) into a FlatModel. */
export function flattenTopology(modelTopology: Json): FlatModel {
  const root = readLayerJson(unwrapTopology(modelTopology), 'modelTopology');
  if (!MODEL_CLASSES.has(root.className)) {
    throw topologyError(`modelTopology.class_name is ${root.className}; expected Sequential or Functional (Model).`, 'modelTopology.class_name', 'Save a Keras/tfjs LayersModel (model.save) rather than a single layer.');
  }
  const ctx: Context = { layers: [], byName: new Map(), inputs: [] };
  const output = flattenModel(root, '', null, ctx);
  return { name: root.name, layers: pruneDead(ctx.layers, output), inputs: ctx.inputs, output };
}

/** Inlines one model; `inbound` is null for the top-level model. Returns the flat output name. */
function flattenModel(model: LayerJson, prefix: string, inbound: string[] | null, ctx: Context): string {
  return model.className === 'Sequential' ? flattenSequential(model, prefix, inbound, ctx) : flattenFunctional(model, prefix, inbound, ctx);
}

function flattenSequential(model: LayerJson, prefix: string, inbound: string[] | null, ctx: Context): string {
  const children = childLayers(model);
  const hasInputLayer = children[0].className === 'InputLayer';
  let prev: string;
  if (inbound === null) {
    // tfjs names the implicit input of a Sequential `${firstLayer}_input`.
    const name = hasInputLayer ? children[0].name : `${children[0].name}_input`;
    prev = emitInput(prefix + name, children[0], inferInputShape(children[0]), ctx);
  } else {
    if (inbound.length !== 1) throw topologyError(`The nested Sequential "${model.name}" is fed ${inbound.length} tensors.`, `${model.path}.inbound_nodes`, 'A Sequential takes exactly one input.');
    prev = inbound[0];
    checkDeclaredShape(children[0], prev, ctx);
  }
  for (const child of children.slice(hasInputLayer ? 1 : 0)) prev = emitLayer(child, prefix, [prev], ctx);
  return prev;
}

function flattenFunctional(model: LayerJson, prefix: string, inbound: string[] | null, ctx: Context): string {
  const children = childLayers(model);
  const byName = new Map(children.map((c) => [c.name, c]));
  const inputRefs = readRefs(model.config['input_layers'], `${model.path}.config.input_layers`, byName);
  const outputRefs = readRefs(model.config['output_layers'], `${model.path}.config.output_layers`, byName);
  if (outputRefs.length !== 1) {
    throw topologyError(`Model "${model.name}" has ${outputRefs.length} outputs; an image classifier has exactly one.`, `${model.path}.config.output_layers`, 'Export a model with a single class-score output.');
  }
  if (inbound !== null && inbound.length !== inputRefs.length) {
    throw topologyError(`The nested model "${model.name}" has ${inputRefs.length} inputs but is fed ${inbound.length}.`, `${model.path}.inbound_nodes`, 'Re-export the model; the wiring is damaged.');
  }
  const alias = new Map<string, string>();
  inputRefs.forEach((ref, i) => {
    const layer = byName.get(ref);
    if (!layer || layer.className !== 'InputLayer') throw topologyError(`Model "${model.name}" lists input "${ref}", which is not an InputLayer of the model.`, `${model.path}.config.input_layers`, 'Re-export the model; the input list is damaged.');
    if (inbound) checkDeclaredShape(layer, inbound[i], ctx);
    alias.set(ref, inbound ? inbound[i] : emitInput(prefix + ref, layer, inferInputShape(layer), ctx));
  });
  let pending = children.filter((c) => !alias.has(c.name));
  while (pending.length > 0) {
    const ready = pending.filter((c) => inboundNames(c, byName).every((n) => alias.has(n)));
    if (ready.length === 0) {
      const stuck = pending[0];
      const missing = inboundNames(stuck, byName).filter((n) => !alias.has(n) && !byName.has(n));
      const why = missing.length > 0 ? `refers to layer "${missing[0]}", which does not exist` : 'is part of a cycle';
      throw topologyError(`Layer "${stuck.name}" ${why}.`, `${stuck.path}.inbound_nodes`, 'Re-export the model; the layer wiring is damaged.');
    }
    for (const child of ready) alias.set(child.name, emitLayer(child, prefix, inboundNames(child, byName).map((n) => alias.get(n) as string), ctx));
    pending = pending.filter((c) => !ready.includes(c));
  }
  const out = alias.get(outputRefs[0]);
  if (out === undefined) throw topologyError(`Model "${model.name}" lists output "${outputRefs[0]}", which is not one of its layers.`, `${model.path}.config.output_layers`, 'Re-export the model; the output list is damaged.');
  return out;
}

function emitInput(name: string, layer: LayerJson, shape: number[], ctx: Context): string {
  return push({ name, kerasName: layer.name, className: 'InputLayer', config: layer.config, inbound: [], params: 0, path: layer.path, outputShape: shape, weights: [], macs: 0 }, ctx);
}

function emitLayer(layer: LayerJson, prefix: string, inbound: string[], ctx: Context): string {
  if (MODEL_CLASSES.has(layer.className)) return flattenModel(layer, `${prefix}${layer.name}/`, inbound, ctx);
  if (layer.className === 'InputLayer') throw topologyError(`InputLayer "${layer.name}" appears after other layers.`, layer.path, 'Re-export the model; an InputLayer can only come first.');
  const inputs = inbound.map((n) => (ctx.byName.get(n) as FlatLayer).outputShape);
  const math = layerMath(layer, inputs);
  const params = math.weights.reduce((sum, w) => sum + prod(w.shape), 0);
  return push({ name: prefix + layer.name, kerasName: layer.name, className: layer.className, config: layer.config, inbound, params, path: layer.path, ...math }, ctx);
}

function push(layer: FlatLayer, ctx: Context): string {
  if (ctx.byName.has(layer.name)) throw topologyError(`Two layers are named "${layer.name}".`, `${layer.path}.name`, 'Layer names must be unique; rename one and re-export.');
  ctx.layers.push(layer);
  ctx.byName.set(layer.name, layer);
  if (layer.inbound.length === 0) ctx.inputs.push(layer.name);
  return layer.name;
}

/** A nested model's first layer may declare its input shape; tfjs refuses it unless it matches what feeds it. */
function checkDeclaredShape(layer: LayerJson, feeder: string, ctx: Context): void {
  if (layer.config['batch_input_shape'] === undefined && layer.config['batch_shape'] === undefined) return;
  const declared = inferInputShape(layer);
  const actual = (ctx.byName.get(feeder) as FlatLayer).outputShape;
  if (declared.join() !== actual.join()) {
    throw topologyError(`Layer "${layer.name}" declares input [batch, ${declared.join(', ')}] but is fed [batch, ${actual.join(', ')}].`, `${layer.path}.config.batch_input_shape`, 'Re-export the model; the nested model does not fit where it is used.');
  }
}

/** [H, W, C…] from `batch_input_shape` (tfjs, Keras 2) or `batch_shape` (Keras 3), searching into nested models. */
export function inferInputShape(layer: LayerJson): number[] {
  const raw = layer.config['batch_input_shape'] ?? layer.config['batch_shape'];
  if (raw === undefined || raw === null) {
    if (layer.className === 'Sequential') return inferInputShape(childLayers(layer)[0]);
    if (MODEL_CLASSES.has(layer.className)) {
      const first = childLayers(layer).find((c) => c.className === 'InputLayer');
      if (first) return inferInputShape(first);
    }
    throw topologyError(`The first layer "${layer.name}" does not declare the input shape.`, `${layer.path}.config.batch_input_shape`, 'Give the first layer an inputShape (e.g. [28, 28, 1]) and save the model again.');
  }
  if (!Array.isArray(raw) || raw.length < 2) throw topologyError(`Layer "${layer.name}": batch_input_shape is not a list.`, `${layer.path}.config.batch_input_shape`, 'Re-export the model; the input shape is damaged.');
  const dims = raw.slice(1);
  if (!dims.every((d) => typeof d === 'number' && Number.isInteger(d) && d >= 1 && d <= 1e5)) {
    throw topologyError(`The model input has shape [${raw.map((d) => (d === null ? 'null' : String(d))).join(', ')}]; the lab needs a fixed image size.`, `${layer.path}.config.batch_input_shape`, 'Build the model with a fixed inputShape such as [224, 224, 3].');
  }
  return dims as number[];
}

/** Layer names referenced by the single inbound node of a functional layer. */
function inboundNames(layer: LayerJson, layers: ReadonlyMap<string, LayerJson>): string[] {
  const field = `${layer.path}.inbound_nodes`;
  const nodes = layer.inboundNodes;
  if (nodes === null || nodes.length === 0) throw topologyError(`Layer "${layer.name}" is not connected to anything.`, field, 'Re-export the model; the layer wiring is missing.');
  if (nodes.length > 1) throw topologyError(`Layer "${layer.name}" is shared (applied ${nodes.length} times); the lab cannot split shared layers into blocks.`, field, 'Use a separate layer for each use, then re-export.');
  const node = nodes[0];
  if (isObject(node)) throw topologyError(`Layer "${layer.name}" uses the Keras 3 wiring format, which tfjs 4.22 cannot read.`, field, 'Convert with tensorflowjs_converter --input_format keras from a tf.keras (Keras 2) .h5 file.');
  return readRefs(node, field, layers);
}

/** `[[name, nodeIndex, tensorIndex, kwargs?], …]` → names; multi-output tensors are refused. */
function readRefs(raw: Json | undefined, field: string, layers?: ReadonlyMap<string, LayerJson>): string[] {
  if (!Array.isArray(raw) || raw.length === 0) throw topologyError(`${field} is missing or empty.`, field, 'Re-export the model; the wiring is damaged.');
  return raw.map((ref) => {
    if (!Array.isArray(ref) || typeof ref[0] !== 'string') throw topologyError(`${field} holds an entry that is not [layerName, node, tensor].`, field, 'Re-export the model; the wiring is damaged.');
    if (ref[2] !== 0) throw topologyError(`${field} uses output ${JSON.stringify(ref[2])} of layer "${ref[0]}"; only single-output layers are supported.`, field, 'Use standard single-output Keras layers.');
    checkNodeIndex(ref[0], ref[1], field, layers);
    return ref[0];
  });
}

/**
 * tfjs waits forever for a node that never appears, so node indices are checked: without shared
 * layers a layer has node 0 only; a nested model also has node 1 (node 0 is its own construction).
 */
function checkNodeIndex(name: string, node: Json | undefined, field: string, layers?: ReadonlyMap<string, LayerJson>): void {
  const target = layers?.get(name);
  const max = target && MODEL_CLASSES.has(target.className) ? 1 : 0;
  if ((typeof node === 'number' && Number.isInteger(node) && node >= 0 && node <= max)) return;
  throw topologyError(`${field} refers to node ${JSON.stringify(node)} of layer "${name}", which that layer does not have.`, field, 'Re-export the model; the wiring is damaged.');
}

/** Drops layers that do not feed the output (tfjs never runs them). */
function pruneDead(layers: FlatLayer[], output: string): FlatLayer[] {
  const byName = new Map(layers.map((l) => [l.name, l]));
  const live = new Set<string>();
  const stack = [output];
  while (stack.length > 0) {
    const name = stack.pop() as string;
    if (live.has(name)) continue;
    live.add(name);
    stack.push(...(byName.get(name)?.inbound ?? []));
  }
  return layers.filter((l) => live.has(l.name));
}

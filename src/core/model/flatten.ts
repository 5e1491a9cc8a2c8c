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
  /**
   * Set on every use of a layer applied more than once (shared weights): the flat name of its
   * first use. Later uses are named `name#2`, `name#3`… and own no weights (params 0).
   */
  sharedLayer?: string;
}

export interface FlatModel {
  name: string;
  /** Topological order; input layers first. */
  layers: FlatLayer[];
  /** Flat names of the model's input layers. */
  inputs: string[];
  /** Flat name of the layer producing the model's (first) output. */
  output: string;
  /** Flat names of every output of the top-level model, in model order (`outputs[0] === output`). */
  outputs: string[];
}

/** One reference to a layer's output in the wiring: the layer and which of its applications (node). */
interface Ref {
  name: string;
  node: number;
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
  const outputs = root.className === 'Sequential' ? [flattenSequential(root, '', null, ctx)] : flattenFunctional(root, '', null, ctx);
  return { name: root.name, layers: pruneDead(ctx.layers, outputs), inputs: ctx.inputs, output: outputs[0], outputs };
}

/** Inlines a nested model fed by `inbound`. Returns the flat output name. */
function flattenNested(model: LayerJson, prefix: string, inbound: string[], ctx: Context): string {
  return model.className === 'Sequential' ? flattenSequential(model, prefix, inbound, ctx) : flattenFunctional(model, prefix, inbound, ctx)[0];
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
  for (const child of children.slice(hasInputLayer ? 1 : 0)) prev = emitLayer(child, prefix, [prev], ctx, 0, 1);
  return prev;
}

/**
 * Inlines a functional model; returns its flat output names. Only the top-level model
 * (`inbound` null) may have several outputs. A layer applied several times is emitted once per
 * application (node); a nested model may be applied once.
 */
function flattenFunctional(model: LayerJson, prefix: string, inbound: string[] | null, ctx: Context): string[] {
  const children = childLayers(model);
  const byName = new Map(children.map((c) => [c.name, c]));
  const inputRefs = readRefs(model.config['input_layers'], `${model.path}.config.input_layers`, byName);
  const outputRefs = readRefs(model.config['output_layers'], `${model.path}.config.output_layers`, byName);
  if (outputRefs.length !== 1 && inbound !== null) {
    throw topologyError(`The nested model "${model.name}" has ${outputRefs.length} outputs; the lab can inline nested models with one output only.`, `${model.path}.config.output_layers`, 'Export a model whose nested models have a single output.');
  }
  if (inbound !== null && inbound.length !== inputRefs.length) {
    throw topologyError(`The nested model "${model.name}" has ${inputRefs.length} inputs but is fed ${inbound.length}.`, `${model.path}.inbound_nodes`, 'Re-export the model; the wiring is damaged.');
  }
  const alias = new Map<string, string>();
  inputRefs.forEach((ref, i) => {
    const layer = byName.get(ref.name);
    if (!layer || layer.className !== 'InputLayer') throw topologyError(`Model "${model.name}" lists input "${ref.name}", which is not an InputLayer of the model.`, `${model.path}.config.input_layers`, 'Re-export the model; the input list is damaged.');
    if (inbound) checkDeclaredShape(layer, inbound[i], ctx);
    alias.set(refKey(ref, byName), inbound ? inbound[i] : emitInput(prefix + ref.name, layer, inferInputShape(layer), ctx));
  });
  const inputNames = new Set(inputRefs.map((r) => r.name));
  let pending = children.filter((c) => !inputNames.has(c.name)).flatMap((c) => applicationsOf(c).map((wiring, node, all) => ({ child: c, node, count: all.length, refs: readRefs(wiring, `${c.path}.inbound_nodes[${node}]`, byName) })));
  while (pending.length > 0) {
    const ready = pending.filter((p) => p.refs.every((r) => alias.has(refKey(r, byName))));
    if (ready.length === 0) {
      const stuck = pending[0];
      const missing = stuck.refs.filter((r) => !byName.has(r.name));
      const why = missing.length > 0 ? `refers to layer "${missing[0].name}", which does not exist` : 'is part of a cycle';
      throw topologyError(`Layer "${stuck.child.name}" ${why}.`, `${stuck.child.path}.inbound_nodes`, 'Re-export the model; the layer wiring is damaged.');
    }
    for (const p of ready) {
      const feeders = p.refs.map((r) => alias.get(refKey(r, byName)) as string);
      alias.set(refKey({ name: p.child.name, node: p.node }, byName), emitLayer(p.child, prefix, feeders, ctx, p.node, p.count));
    }
    pending = pending.filter((p) => !ready.includes(p));
  }
  return outputRefs.map((ref) => {
    const out = alias.get(refKey(ref, byName));
    if (out === undefined) throw topologyError(`Model "${model.name}" lists output "${ref.name}", which is not one of its layers.`, `${model.path}.config.output_layers`, 'Re-export the model; the output list is damaged.');
    return out;
  });
}

/** The wiring of each application of a functional child; a nested model may be applied once only. */
function applicationsOf(layer: LayerJson): Json[] {
  const field = `${layer.path}.inbound_nodes`;
  const nodes = layer.inboundNodes;
  if (nodes === null || nodes.length === 0) throw topologyError(`Layer "${layer.name}" is not connected to anything.`, field, 'Re-export the model; the layer wiring is missing.');
  if (nodes.length > 1 && MODEL_CLASSES.has(layer.className)) throw topologyError(`The nested model "${layer.name}" is applied ${nodes.length} times; the lab can inline a nested model used once only.`, field, 'Use a separate copy of the nested model for each use, then re-export.');
  for (const node of nodes) {
    if (isObject(node)) throw topologyError(`Layer "${layer.name}" uses the Keras 3 wiring format, which tfjs 4.22 cannot read.`, field, 'Convert with tensorflowjs_converter --input_format keras from a tf.keras (Keras 2) .h5 file.');
  }
  return nodes;
}

/** Key of one application's output; a nested model's or input's only application is node 0 whatever index refers to it. */
function refKey(ref: Ref, layers: ReadonlyMap<string, LayerJson>): string {
  const cls = layers.get(ref.name)?.className ?? '';
  const node = MODEL_CLASSES.has(cls) || cls === 'InputLayer' ? 0 : ref.node;
  return `${ref.name}\u0000${node}`;
}

function emitInput(name: string, layer: LayerJson, shape: number[], ctx: Context): string {
  return push({ name, kerasName: layer.name, className: 'InputLayer', config: layer.config, inbound: [], params: 0, path: layer.path, outputShape: shape, weights: [], macs: 0 }, ctx);
}

/** Emits application `node` (of `count`) of a layer; later applications of a shared layer own no weights. */
function emitLayer(layer: LayerJson, prefix: string, inbound: string[], ctx: Context, node: number, count: number): string {
  if (MODEL_CLASSES.has(layer.className)) return flattenNested(layer, `${prefix}${layer.name}/`, inbound, ctx);
  if (layer.className === 'InputLayer') throw topologyError(`InputLayer "${layer.name}" appears after other layers.`, layer.path, 'Re-export the model; an InputLayer can only come first.');
  const inputs = inbound.map((n) => (ctx.byName.get(n) as FlatLayer).outputShape);
  const math = layerMath(layer, inputs);
  const first = prefix + layer.name;
  if (node > 0) {
    const original = ctx.byName.get(first);
    const same = original !== undefined && original.weights.map((w) => w.shape.join()).join('|') === math.weights.map((w) => w.shape.join()).join('|');
    if (!same) throw topologyError(`Layer "${layer.name}" is applied again to an input of shape [${inputs.map((s) => s.join(', ')).join('; ')}], which its weights do not fit.`, `${layer.path}.inbound_nodes[${node}]`, 'Re-export the model; the wiring is damaged.');
  }
  const shared = count > 1 ? { sharedLayer: first } : {};
  const weights = node === 0 ? math.weights : [];
  const params = weights.reduce((sum, w) => sum + prod(w.shape), 0);
  return push({ name: node === 0 ? first : `${first}#${node + 1}`, kerasName: layer.name, className: layer.className, config: layer.config, inbound, params, path: layer.path, ...math, weights, ...shared }, ctx);
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

/** `[[name, nodeIndex, tensorIndex, kwargs?], …]` → refs; multi-output tensors are refused. */
function readRefs(raw: Json | undefined, field: string, layers: ReadonlyMap<string, LayerJson>): Ref[] {
  if (!Array.isArray(raw) || raw.length === 0) throw topologyError(`${field} is missing or empty.`, field, 'Re-export the model; the wiring is damaged.');
  return raw.map((ref) => {
    if (!Array.isArray(ref) || typeof ref[0] !== 'string') throw topologyError(`${field} holds an entry that is not [layerName, node, tensor].`, field, 'Re-export the model; the wiring is damaged.');
    if (ref[2] !== 0) throw topologyError(`${field} uses output ${JSON.stringify(ref[2])} of layer "${ref[0]}"; only single-output layers are supported.`, field, 'Use standard single-output Keras layers.');
    checkNodeIndex(ref[0], ref[1], field, layers);
    return { name: ref[0], node: ref[1] as number };
  });
}

/**
 * tfjs waits forever for a node that never appears, so node indices are checked: a layer has
 * one node per application listed in its inbound_nodes (an input layer node 0 only); a nested
 * model also has node 1 (node 0 is its own construction).
 */
function checkNodeIndex(name: string, node: Json | undefined, field: string, layers: ReadonlyMap<string, LayerJson>): void {
  const target = layers.get(name);
  const applications = target?.inboundNodes?.length ?? 0;
  const max = !target || target.className === 'InputLayer' ? 0 : MODEL_CLASSES.has(target.className) ? 1 : Math.max(0, applications - 1);
  if ((typeof node === 'number' && Number.isInteger(node) && node >= 0 && node <= max)) return;
  throw topologyError(`${field} refers to node ${JSON.stringify(node)} of layer "${name}", which that layer does not have.`, field, 'Re-export the model; the wiring is damaged.');
}

/** Drops layers that feed no output (tfjs never runs them). */
function pruneDead(layers: FlatLayer[], outputs: readonly string[]): FlatLayer[] {
  const byName = new Map(layers.map((l) => [l.name, l]));
  const live = new Set<string>();
  const stack = [...outputs];
  while (stack.length > 0) {
    const name = stack.pop() as string;
    if (live.has(name)) continue;
    live.add(name);
    stack.push(...(byName.get(name)?.inbound ?? []));
  }
  return layers.filter((l) => live.has(l.name));
}

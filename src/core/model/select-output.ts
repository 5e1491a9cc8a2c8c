/**
 * Models with several outputs (a class-score head next to an embedding or a second task): pick
 * the class-score output, or the one the caller asks for, and cut the topology down to it so
 * the rest of the lab sees a single-output classifier. Pure: no tfjs.
 */
import { LabError } from '../errors';
import type { FlatModel } from './flatten';
import { childLayers, isObject, MODEL_CLASSES, MODEL_FILE, readLayerJson, unwrapTopology, type Json, type JsonObject } from './topology';
import { outputActivation } from './validate-model';

/** One output of the model as the Model step can list it. */
export interface OutputInfo {
  index: number;
  /** Flat name of the layer producing it. */
  layer: string;
  /** Shape without the batch dimension. */
  shape: number[];
  /** 'softmax', 'linear', 'relu', 'a Conv2D layer'… */
  activation: string;
  /** A vector of ≥ 2 softmax probabilities or linear logits. */
  isClassScores: boolean;
}

/** Which output to repair: its index in the model's outputs, or its layer name. */
export type OutputChoice = number | string;

/** Every output of the flattened model. */
export function describeOutputs(flat: FlatModel): OutputInfo[] {
  const byName = new Map(flat.layers.map((l) => [l.name, l]));
  return flat.outputs.map((name, index) => {
    const layer = byName.get(name);
    if (!layer) throw new LabError(`Output ${index} names layer "${name}", which the model does not have.`, { file: MODEL_FILE, field: 'modelTopology.config.output_layers', fix: 'Re-export the model; the output list is damaged.' });
    const activation = outputActivation(layer);
    const shape = [...layer.outputShape];
    return { index, layer: name, shape, activation, isClassScores: shape.length === 1 && shape[0] >= 2 && (activation === 'softmax' || activation === 'linear') };
  });
}

const describe = (o: OutputInfo): string => `${o.index}: "${o.layer}" [${o.shape.join(', ')}] ${o.activation}`;

/**
 * The output to repair: `choice` when given (refused when it is not class scores), else the
 * class-score output, preferring softmax, then the most classes, then the first.
 */
export function chooseOutput(outputs: readonly OutputInfo[], choice?: OutputChoice): OutputInfo {
  const list = outputs.map(describe).join('; ');
  if (choice !== undefined) {
    const picked = typeof choice === 'number' ? outputs[choice] : outputs.find((o) => o.layer === choice || o.layer.split('/').pop() === choice);
    if (!picked) throw new LabError(`The model has no output ${JSON.stringify(choice)}; its outputs are ${list}.`, { file: MODEL_FILE, field: 'output', fix: 'Choose one of the listed outputs by index or layer name.' });
    if (!picked.isClassScores) throw new LabError(`Output ${describe(picked)} is not class scores; the lab repairs a [batch, classes] softmax or logits output.`, { file: MODEL_FILE, field: 'output', fix: `Choose a class-score output (outputs: ${list}).` });
    return picked;
  }
  const candidates = outputs.filter((o) => o.isClassScores);
  if (candidates.length === 0) {
    throw new LabError(`None of the model's ${outputs.length} outputs is class scores (${list}); a classifier outputs [batch, classes] with at least 2 classes from softmax or a linear layer.`, { file: MODEL_FILE, field: 'modelTopology.config.output_layers', fix: 'End one output with Dense(numClasses) and softmax (or no activation, for logits), then export again.' });
  }
  const rank = (o: OutputInfo): number[] => [o.activation === 'softmax' ? 1 : 0, o.shape[0], -o.index];
  return candidates.reduce((best, o) => {
    const [a, b] = [rank(o), rank(best)];
    const i = a.findIndex((v, k) => v !== b[k]);
    return i >= 0 && a[i] > b[i] ? o : best;
  });
}

interface NodeRef {
  name: string;
  node: number;
}

/**
 * `modelTopology` (wrapper kept) cut down to output `index` of the top-level functional model:
 * only the applications that feed it are kept (node indices renumbered), and `output_layers`
 * lists it alone. tfjs then builds no layer outside that path.
 */
export function keepOneOutput(modelTopology: JsonObject, index: number): JsonObject {
  const root = unwrapTopology(modelTopology);
  const model = readLayerJson(root, 'modelTopology');
  if (MODEL_CLASSES.has(model.className) && model.className !== 'Sequential') return rewrap(modelTopology, pruneModel(model.config, childLayers(model).map((l) => l.className), index));
  return modelTopology;
}

function pruneModel(config: JsonObject, classes: string[], index: number): JsonObject {
  const entries = config['layers'] as JsonObject[];
  const byName = new Map(entries.map((e, i) => [String(e['name']), { entry: e, cls: classes[i] }]));
  const isSingle = (name: string): boolean => {
    const cls = byName.get(name)?.cls ?? '';
    return cls === 'InputLayer' || MODEL_CLASSES.has(cls);
  };
  const kept = new Map<string, Set<number>>();
  const outputRef = (config['output_layers'] as Json[])[index] as Json[];
  const stack: NodeRef[] = [{ name: outputRef[0] as string, node: outputRef[1] as number }];
  while (stack.length > 0) {
    const ref = stack.pop() as NodeRef;
    const node = isSingle(ref.name) ? 0 : ref.node;
    const nodes = kept.get(ref.name) ?? new Set<number>();
    if (nodes.has(node)) continue;
    nodes.add(node);
    kept.set(ref.name, nodes);
    const wiring = byName.get(ref.name)?.entry['inbound_nodes'];
    const refs = Array.isArray(wiring) && Array.isArray(wiring[node]) ? (wiring[node] as Json[]) : [];
    for (const r of refs) if (Array.isArray(r)) stack.push({ name: r[0] as string, node: r[1] as number });
  }
  const order = new Map([...kept].map(([name, nodes]) => [name, [...nodes].sort((a, b) => a - b)]));
  const renumber = (ref: Json): Json => {
    if (!Array.isArray(ref) || isSingle(ref[0] as string)) return ref;
    return [ref[0], (order.get(ref[0] as string) ?? []).indexOf(ref[1] as number), ...ref.slice(2)];
  };
  const layers = entries.filter((e) => kept.has(String(e['name']))).map((e) => {
    const wiring = e['inbound_nodes'];
    if (!Array.isArray(wiring) || wiring.length === 0) return e;
    const nodes = isSingle(String(e['name'])) ? wiring.map((_, i) => i) : (order.get(String(e['name'])) as number[]);
    return { ...e, inbound_nodes: nodes.map((n) => (Array.isArray(wiring[n]) ? (wiring[n] as Json[]).map(renumber) : wiring[n])) };
  });
  const inputs = (config['input_layers'] as Json[]).filter((r) => Array.isArray(r) && kept.has(r[0] as string));
  return { ...config, layers, input_layers: inputs, output_layers: [renumber(outputRef)] };
}

/** `topology` with the model config at its core replaced (the converter's model_config wrapper kept). */
function rewrap(topology: JsonObject, config: JsonObject): JsonObject {
  if (isObject(topology['model_config'])) return { ...topology, model_config: rewrap(topology['model_config'], config) };
  return { ...topology, config };
}

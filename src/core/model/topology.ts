/**
 * Typed, checked access to the Keras topology JSON in a tfjs `model.json` (snake_case keys,
 * as both tfjs `model.save` and `tensorflowjs_converter --input_format keras` write them).
 * Pure: no tfjs. Every malformed value becomes a LabError naming the JSON path.
 */
import { LabError } from '../errors';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** One layer entry as serialised by Keras/tfjs: `{class_name, config, name?, inbound_nodes?}`. */
export interface LayerJson {
  className: string;
  name: string;
  config: JsonObject;
  /** Raw `inbound_nodes` (functional models only; absent inside a Sequential). */
  inboundNodes: Json[] | null;
  /** JSON path of this entry, for error messages. */
  path: string;
}

/** Classes that hold other layers (nested models are flattened). */
export const MODEL_CLASSES: ReadonlySet<string> = new Set(['Sequential', 'Model', 'Functional']);

export const MODEL_FILE = 'model.json';

/** A LabError about model.json at `field`. */
export function topologyError(message: string, field: string, fix: string): LabError {
  return new LabError(message, { file: MODEL_FILE, field, fix });
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `modelTopology` with the converter's `{model_config: …}` wrapper removed. */
export function unwrapTopology(topology: Json, field = 'modelTopology'): JsonObject {
  if (!isObject(topology)) {
    throw topologyError(`${field} is not an object.`, field, 'Export the model again with model.save() or tensorflowjs_converter --input_format keras.');
  }
  if (isObject(topology['model_config'])) return unwrapTopology(topology['model_config'], `${field}.model_config`);
  return topology;
}

/** Reads one layer entry (a model topology is itself one, with class_name Sequential/Functional). */
export function readLayerJson(raw: Json, path: string, isFunctionalChild = false): LayerJson {
  if (!isObject(raw)) throw topologyError(`The layer at ${path} is not an object.`, path, 'Re-export the model; the file was probably edited or damaged.');
  const className = raw['class_name'];
  if (typeof className !== 'string' || className === '') {
    throw topologyError(`The layer at ${path} has no class_name.`, `${path}.class_name`, 'Re-export the model; every layer needs its Keras class name.');
  }
  // tfjs/Keras ≥2 Sequential configs are {name, layers}; Keras 1 wrote a bare list of layers.
  const rawConfig = raw['config'];
  const config: JsonObject = Array.isArray(rawConfig) ? { layers: rawConfig } : isObject(rawConfig) ? rawConfig : {};
  if (!isObject(rawConfig) && !Array.isArray(rawConfig)) {
    throw topologyError(`The ${className} layer at ${path} has no config object.`, `${path}.config`, 'Re-export the model; every layer needs its config.');
  }
  // tfjs wires functional layers by the entry's own `name` and loops forever without it.
  if (isFunctionalChild && typeof raw['name'] !== 'string') {
    throw topologyError(`The ${className} layer at ${path} has no name.`, `${path}.name`, 'Re-export the model; every layer of a functional model needs its name.');
  }
  const name = typeof raw['name'] === 'string' ? raw['name'] : config['name'];
  if (typeof raw['name'] === 'string' && config['name'] !== raw['name']) {
    throw topologyError(`The layer at ${path} is called "${raw['name']}" but its config.name is ${JSON.stringify(config['name'] ?? null)}.`, `${path}.config.name`, 'Re-export the model; the two names must agree.');
  }
  if (typeof name !== 'string' || name === '') {
    throw topologyError(`The ${className} layer at ${path} has no name.`, `${path}.config.name`, 'Re-export the model; every layer needs a unique name.');
  }
  const inbound = raw['inbound_nodes'];
  return { className, name, config, inboundNodes: Array.isArray(inbound) ? inbound : null, path };
}

/** The `layers` list of a Sequential or functional model config. */
export function childLayers(model: LayerJson): LayerJson[] {
  const layers = model.config['layers'];
  if (!Array.isArray(layers) || layers.length === 0) {
    throw topologyError(`The ${model.className} "${model.name}" has no layers.`, `${model.path}.config.layers`, 'Re-export the model; its layer list is missing or empty.');
  }
  return layers.map((l, i) => readLayerJson(l, `${model.path}.config.layers[${i}]`, model.className !== 'Sequential'));
}

/** Calls `visit` for every layer entry of a topology, nested models and their input layers included. */
export function forEachLayer(model: LayerJson, visit: (layer: LayerJson) => void): void {
  for (const layer of childLayers(model)) {
    visit(layer);
    if (MODEL_CLASSES.has(layer.className)) forEachLayer(layer, visit);
  }
}

/** Every layer class name in a topology, nested models included, with where it first occurs. */
export function collectClassNames(model: LayerJson, out = new Map<string, string>()): Map<string, string> {
  for (const layer of childLayers(model)) {
    if (!out.has(layer.className)) out.set(layer.className, layer.name);
    if (MODEL_CLASSES.has(layer.className)) collectClassNames(layer, out);
  }
  return out;
}

/** A positive integer config value (`int`), or `fallback` when absent. */
export function configInt(layer: LayerJson, key: string, fallback?: number): number {
  const value = layer.config[key];
  if (value === undefined || value === null) {
    if (fallback !== undefined) return fallback;
    throw configError(layer, key, 'is missing');
  }
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 1e7) throw configError(layer, key, `must be a positive integer, got ${JSON.stringify(value)}`);
  return value;
}

/** A pair of positive integers given as `n` or `[a, b]` (kernel_size, strides, pool_size…). */
export function configPair(layer: LayerJson, key: string, fallback?: [number, number]): [number, number] {
  const value = layer.config[key];
  if ((value === undefined || value === null) && fallback) return fallback;
  if (typeof value === 'number') return [configInt(layer, key), configInt(layer, key)];
  if (Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 1e7)) {
    return [value[0] as number, value[1] as number];
  }
  throw configError(layer, key, `must be an integer or a pair of positive integers, got ${JSON.stringify(value)}`);
}

/** A string config value, or `fallback` when absent. */
export function configString(layer: LayerJson, key: string, fallback: string): string {
  const value = layer.config[key];
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'string') throw configError(layer, key, `must be a string, got ${JSON.stringify(value)}`);
  return value;
}

/** A boolean config value, or `fallback` when absent. */
export function configBool(layer: LayerJson, key: string, fallback: boolean): boolean {
  const value = layer.config[key];
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'boolean') throw configError(layer, key, `must be true or false, got ${JSON.stringify(value)}`);
  return value;
}

export function configError(layer: LayerJson, key: string, problem: string): LabError {
  return topologyError(`Layer "${layer.name}" (${layer.className}): config.${key} ${problem}.`, `${layer.path}.config.${key}`, 'Re-export the model; the layer config was edited or damaged.');
}

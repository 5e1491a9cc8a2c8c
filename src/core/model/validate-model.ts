/** Topology-level checks: runnable layer classes, one image input, a classifier output, weights that match, memory. Pure. */
import { LabError } from '../errors';
import type { FlatLayer, FlatModel } from './flatten';
import { LAYER_MATH, prod } from './layer-math';
import { collectClassNames, forEachLayer, isObject, MODEL_CLASSES, MODEL_FILE, readLayerJson, type Json, type JsonObject } from './topology';
import type { WeightSpec } from './validate-files';

export interface MemoryEstimate {
  weightBytes: number;
  /** float32 activations of one example, summed over all layer outputs. */
  activationBytesPerExample: number;
  batchSize: number;
  /** weights ×4 (values, gradients, two optimiser slots) + activations ×2 (values, gradients) × batch. */
  totalBytes: number;
  budgetBytes: number;
}

const MB = 1024 * 1024;
const mb = (bytes: number): string => `${(bytes / MB).toFixed(bytes < 10 * MB ? 1 : 0)} MB`;

/** Refuses Lambda, custom and other layer classes the lab cannot run, listing all of them. */
export function checkLayerClasses(topology: JsonObject): void {
  const classes = collectClassNames(readLayerJson(topology, 'modelTopology'));
  const bad = [...classes].filter(([cls]) => cls !== 'InputLayer' && !MODEL_CLASSES.has(cls) && !(cls in LAYER_MATH));
  if (bad.length === 0) return;
  const list = bad.map(([cls, layer]) => `${cls} (e.g. "${layer}")`).join(', ');
  const hasLambda = bad.some(([cls]) => cls === 'Lambda' || cls === 'TFOpLambda');
  throw new LabError(`The model uses layer classes the lab cannot run: ${list}.`, {
    file: MODEL_FILE,
    field: 'modelTopology layers[].class_name',
    fix: `${hasLambda ? 'Lambda layers hold Python code that tfjs cannot run. ' : ''}Rebuild those parts from standard Keras layers (${Object.keys(LAYER_MATH).slice(0, 8).join(', ')}, …) and export again.`,
  });
}

/** Activation names tfjs 4.22 knows (Keras snake_case names are camel-cased by tfjs on load). */
const ACTIVATIONS: ReadonlySet<string> = new Set(['elu', 'hardSigmoid', 'linear', 'relu', 'relu6', 'selu', 'sigmoid', 'softmax', 'softplus', 'softsign', 'tanh', 'swish', 'mish', 'gelu', 'gelu_new', 'logSoftmax']);

/** Every `activation` in a layer config must be one tfjs can run. */
export function checkActivations(flat: FlatModel): void {
  for (const layer of flat.layers) {
    const a = layer.config['activation'];
    if (a === undefined || a === null) continue;
    const name = typeof a === 'string' ? a.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()) : null;
    if (name !== null && (ACTIVATIONS.has(name) || ACTIVATIONS.has(a as string))) continue;
    throw new LabError(`Layer "${layer.name}" uses activation ${JSON.stringify(a)}, which tfjs cannot run.`, { file: MODEL_FILE, field: `${layer.path}.config.activation`, fix: `Use a standard activation (${[...ACTIVATIONS].slice(0, 8).join(', ')}, …) and export again.` });
  }
}

/** Serialisable helper classes tfjs 4.22 registers (initializers, regularizers, constraints). */
const HELPER_CLASSES: ReadonlySet<string> = new Set(['Constant', 'GlorotNormal', 'GlorotUniform', 'HeNormal', 'HeUniform', 'Identity', 'LeCunNormal', 'LeCunUniform', 'Ones', 'Orthogonal', 'RandomNormal', 'RandomUniform', 'TruncatedNormal', 'VarianceScaling', 'Zeros', 'L1L2', 'MaxNorm', 'MinMaxNorm', 'NonNeg', 'UnitNorm']);

const HELPER_STRINGS: Readonly<Record<string, readonly string[]>> = {
  mode: ['fan_in', 'fan_out', 'fan_avg'],
  distribution: ['normal', 'uniform', 'truncated_normal', 'untruncated_normal'],
};
const isFiniteNumber = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v);

/**
 * A helper (initializer, regularizer, constraint) config tfjs can run: a known class, strings
 * only where an enum is expected, finite numbers elsewhere, positive scale. tfjs runs
 * initializers while building even when weights follow, and its truncated-normal sampler loops
 * forever on a NaN standard deviation, so a bad number here would hang the page.
 */
function isRunnableHelper(value: Json): boolean {
  if (!isObject(value) || typeof value['class_name'] !== 'string' || !HELPER_CLASSES.has(value['class_name']) || !isObject(value['config'])) return false;
  return Object.entries(value['config']).every(([key, v]) => {
    if (v === null) return true;
    if (key in HELPER_STRINGS) return typeof v === 'string' && HELPER_STRINGS[key].includes(v);
    if (key === 'scale' || key === 'gain') return isFiniteNumber(v) && (v as number) > 0;
    if (key === 'dtype') return typeof v === 'string';
    if (key === 'seed') return isFiniteNumber(v);
    if (key === 'axis') return isFiniteNumber(v) || (Array.isArray(v) && v.every(isFiniteNumber));
    return isFiniteNumber(v) && Math.abs(v as number) < 1e6;
  });
}

/** Every `*_initializer` / `*_regularizer` / `*_constraint` is null or a runnable `{class_name, config}`; every `dtype` is float32. */
export function checkLayerHelpers(topology: JsonObject): void {
  forEachLayer(readLayerJson(topology, 'modelTopology'), (layer) => {
    const dtype = layer.config['dtype'];
    if (dtype !== undefined && dtype !== null && dtype !== 'float32') {
      throw new LabError(`Layer "${layer.name}" computes in dtype ${JSON.stringify(dtype)}; the lab runs float32 models.`, { file: MODEL_FILE, field: `${layer.path}.config.dtype`, fix: 'Build and export the model in float32 (no mixed precision; images as float32 in [0, 1]).' });
    }
    for (const [key, value] of Object.entries(layer.config)) {
      if (!/_(initializer|regularizer|constraint)$/.test(key) || value === null || isRunnableHelper(value)) continue;
      throw new LabError(`Layer "${layer.name}" has an unreadable config.${key} (${JSON.stringify(value).slice(0, 80)}).`, { file: MODEL_FILE, field: `${layer.path}.config.${key}`, fix: 'Use standard Keras initializers, regularizers and constraints (or none) and export again.' });
    }
  });
}

/** One input of shape [batch, H, W, C] with C in 1..4 (an image). */
export function checkImageInput(flat: FlatModel): number[] {
  const fix = 'The lab repairs image classifiers: build the model on one input such as tf.input({shape: [28, 28, 1]}) and export again.';
  if (flat.inputs.length !== 1) throw new LabError(`The model has ${flat.inputs.length} inputs (${flat.inputs.join(', ')}); the lab needs exactly one image input.`, { file: MODEL_FILE, field: 'modelTopology.config.input_layers', fix });
  const input = flat.layers[0];
  const shape = input.outputShape;
  if (shape.length !== 3 || shape[2] > 4) {
    throw new LabError(`The model input has shape [batch, ${shape.join(', ')}]; the lab needs a rank-4 image tensor [batch, height, width, channels] with 1–4 channels.`, { file: MODEL_FILE, field: `${input.path}.config.batch_input_shape`, fix });
  }
  return shape;
}

/** The output must be class scores: a vector of ≥2 values from softmax or a linear layer (logits). */
export function checkClassifierOutput(flat: FlatModel): number {
  const out = flat.layers[flat.layers.length - 1];
  const fix = 'End the model with Dense(numClasses) and softmax (or no activation, for logits), with at least two classes.';
  if (out.outputShape.length !== 1 || out.outputShape[0] < 2) {
    throw new LabError(`The model output has shape [batch, ${out.outputShape.join(', ')}]; a classifier outputs [batch, classes] with at least 2 classes.`, { file: MODEL_FILE, field: `${out.path}`, fix });
  }
  const activation = outputActivation(out);
  if (activation !== 'softmax' && activation !== 'linear') {
    throw new LabError(`The output layer "${out.name}" applies ${activation}; the lab needs class scores (softmax probabilities or linear logits).`, { file: MODEL_FILE, field: `${out.path}.config.activation`, fix });
  }
  return out.outputShape[0];
}

export function outputActivation(layer: FlatLayer): string {
  if (layer.className === 'Softmax') return 'softmax';
  if (layer.className === 'Dense' || layer.className === 'Activation') {
    const a = layer.config['activation'];
    return a === undefined || a === null ? 'linear' : String(a);
  }
  if (['Dropout', 'AlphaDropout', 'GaussianDropout', 'GaussianNoise', 'Flatten', 'Reshape'].includes(layer.className)) return 'linear';
  return `a ${layer.className} layer`;
}

/** Candidate topology keys for a manifest name: exact, last two parts, and tfjs's cell-name-dropping form. */
function keysFor(name: string): string[] {
  const t = name.split('/');
  return [name, t.slice(-2).join('/'), [...t.slice(0, -2), t[t.length - 1]].join('/')];
}

/**
 * Every manifest weight belongs to a layer of the topology with the same shape, and every layer
 * weight is in the manifest. Returns the flat name of the layer owning each spec.
 */
export function checkWeightsMatch(flat: FlatModel, specs: readonly WeightSpec[]): string[] {
  const expected = new Map<string, { layer: FlatLayer; shape: number[] }>();
  for (const layer of flat.layers) {
    for (const w of layer.weights) {
      const key = `${layer.kerasName}/${w.name}`;
      if (expected.has(key)) throw new LabError(`Two layers named "${layer.kerasName}" (in different nested models) both own weight ${w.name}; tfjs cannot tell their weights apart.`, { file: MODEL_FILE, field: `${layer.path}.name`, fix: 'Give every layer a unique name, including layers inside nested models, and export again.' });
      expected.set(key, { layer, shape: w.shape });
    }
  }
  const seen = new Set<string>();
  const owners = specs.map((spec, i) => {
    const key = keysFor(spec.name).find((k) => expected.has(k) && !seen.has(k));
    if (key === undefined) throw new LabError(`model.json lists weight "${spec.name}", but the topology has no layer weight of that name.`, { file: MODEL_FILE, field: `weightsManifest weights[${i}].name`, fix: 'The weights come from a different model than the topology; export model.json and its .bin files together again.' });
    const { layer, shape } = expected.get(key) as { layer: FlatLayer; shape: number[] };
    if (shape.join() !== spec.shape.join()) {
      throw new LabError(`Weight "${spec.name}" has shape [${spec.shape.join(', ')}] in the manifest, but layer "${layer.name}" (${layer.className}) needs [${shape.join(', ')}].`, { file: MODEL_FILE, field: `weightsManifest weights[${i}].shape`, fix: 'The weights do not fit this architecture; export model.json and its .bin files together again.' });
    }
    seen.add(key);
    return layer.name;
  });
  const missing = [...expected.keys()].filter((k) => !seen.has(k));
  if (missing.length > 0) {
    const first = expected.get(missing[0]) as { layer: FlatLayer };
    throw new LabError(`The topology needs ${missing.length} weight(s) that model.json does not list: ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''}.`, { file: MODEL_FILE, field: `${first.layer.path}`, fix: 'Export model.json and its .bin files together again; the weight list is incomplete.' });
  }
  return owners;
}

/** Estimates training memory for a batch and refuses models over the budget. */
export function checkMemoryBudget(flat: FlatModel, batchSize: number, budgetBytes: number): MemoryEstimate {
  const weightBytes = flat.layers.reduce((s, l) => s + l.params, 0) * 4;
  const activationBytesPerExample = flat.layers.reduce((s, l) => s + prod(l.outputShape), 0) * 4;
  const totalBytes = weightBytes * 4 + activationBytesPerExample * 2 * batchSize;
  const estimate = { weightBytes, activationBytesPerExample, batchSize, totalBytes, budgetBytes };
  if (totalBytes > budgetBytes) {
    throw new LabError(
      `The model is too large for the lab: about ${mb(totalBytes)} to train with a batch of ${batchSize} (weights ${mb(weightBytes)}, activations ${mb(activationBytesPerExample)} per image), over the ${mb(budgetBytes)} budget.`,
      { file: MODEL_FILE, field: 'modelTopology', fix: 'Use a smaller model or input size (the lab targets small CNNs such as MobileNet at 224×224 or below), or raise the memory budget in the settings.' },
    );
  }
  return estimate;
}

/**
 * Shape inference, weight shapes and multiply-accumulate counts for the standard Keras layer
 * classes the lab can run (channels-last only). Shapes exclude the batch dimension. Pure.
 */
import { configBool, configError, configInt, configPair, configString, topologyError, type Json, type LayerJson } from './topology';

/** A weight a layer owns: `name` is the Keras weight name within the layer (`kernel`, `gamma`…). */
export interface WeightShape {
  name: string;
  shape: number[];
}

export interface LayerMath {
  outputShape: number[];
  weights: WeightShape[];
  /** Multiply-accumulates for one example (BN/LayerNorm count one per element, max pooling none). */
  macs: number;
}

type MathFn = (layer: LayerJson, inputs: number[][]) => LayerMath;

export const prod = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

function single(layer: LayerJson, inputs: number[][], rank?: number): number[] {
  if (inputs.length !== 1) throw topologyError(`Layer "${layer.name}" (${layer.className}) takes one input but is wired to ${inputs.length}.`, `${layer.path}.inbound_nodes`, 'Re-export the model; the layer wiring is damaged.');
  const shape = inputs[0];
  if (rank !== undefined && shape.length !== rank) {
    throw topologyError(`Layer "${layer.name}" (${layer.className}) needs a rank-${rank + 1} input (batch, ${rank === 3 ? 'height, width, channels' : '…'}) but gets [batch, ${shape.join(', ')}].`, `${layer.path}`, 'Only image layers in channels-last (NHWC) layout are supported; check the layer order.');
  }
  return shape;
}

function channelsLast(layer: LayerJson): void {
  if (configString(layer, 'data_format', 'channels_last') !== 'channels_last') throw configError(layer, 'data_format', 'is channels_first; the lab runs channels_last (NHWC) models only');
}

/** Output length of one spatial axis (Keras conv_output_length). */
function convLength(layer: LayerJson, size: number, kernel: number, stride: number, dilation: number): number {
  const padding = configString(layer, 'padding', 'valid');
  if (padding !== 'same' && padding !== 'valid') throw configError(layer, 'padding', `must be "same" or "valid", got "${padding}"`);
  const out = padding === 'same' ? Math.ceil(size / stride) : Math.ceil((size - (kernel - 1) * dilation) / stride);
  if (out < 1) throw topologyError(`Layer "${layer.name}" (${layer.className}): a ${kernel}×${kernel} window does not fit its ${size}-pixel input.`, `${layer.path}.config`, 'The input image is too small for this architecture; check the input size.');
  return out;
}

function spatial(layer: LayerJson, input: number[], kernel: [number, number], strides: [number, number], dilation: [number, number] = [1, 1]): [number, number] {
  return [convLength(layer, input[0], kernel[0], strides[0], dilation[0]), convLength(layer, input[1], kernel[1], strides[1], dilation[1])];
}

const identity: MathFn = (layer, inputs) => ({ outputShape: [...single(layer, inputs)], weights: [], macs: 0 });

const conv2d: MathFn = (layer, inputs) => {
  channelsLast(layer);
  const [h, w, cin] = single(layer, inputs, 3);
  const k = configPair(layer, 'kernel_size');
  const filters = configInt(layer, 'filters');
  const [ho, wo] = spatial(layer, [h, w], k, configPair(layer, 'strides', [1, 1]), configPair(layer, 'dilation_rate', [1, 1]));
  const weights = [{ name: 'kernel', shape: [k[0], k[1], cin, filters] }];
  if (configBool(layer, 'use_bias', true)) weights.push({ name: 'bias', shape: [filters] });
  return { outputShape: [ho, wo, filters], weights, macs: ho * wo * filters * k[0] * k[1] * cin };
};

const depthwise: MathFn = (layer, inputs) => {
  channelsLast(layer);
  const [h, w, cin] = single(layer, inputs, 3);
  const k = configPair(layer, 'kernel_size');
  const m = configInt(layer, 'depth_multiplier', 1);
  const [ho, wo] = spatial(layer, [h, w], k, configPair(layer, 'strides', [1, 1]), configPair(layer, 'dilation_rate', [1, 1]));
  const weights = [{ name: 'depthwise_kernel', shape: [k[0], k[1], cin, m] }];
  if (configBool(layer, 'use_bias', true)) weights.push({ name: 'bias', shape: [cin * m] });
  return { outputShape: [ho, wo, cin * m], weights, macs: ho * wo * cin * m * k[0] * k[1] };
};

const separable: MathFn = (layer, inputs) => {
  const dw = depthwise(layer, inputs);
  const [ho, wo, mid] = dw.outputShape;
  const filters = configInt(layer, 'filters');
  const weights = [dw.weights[0], { name: 'pointwise_kernel', shape: [1, 1, mid, filters] }];
  if (configBool(layer, 'use_bias', true)) weights.push({ name: 'bias', shape: [filters] });
  return { outputShape: [ho, wo, filters], weights, macs: dw.macs + ho * wo * mid * filters };
};

const dense: MathFn = (layer, inputs) => {
  const input = single(layer, inputs);
  if (input.length < 1) throw topologyError(`Layer "${layer.name}" (Dense) has a scalar input.`, layer.path, 'Re-export the model; the layer wiring is damaged.');
  const units = configInt(layer, 'units');
  const cin = input[input.length - 1];
  const weights = [{ name: 'kernel', shape: [cin, units] }];
  if (configBool(layer, 'use_bias', true)) weights.push({ name: 'bias', shape: [units] });
  return { outputShape: [...input.slice(0, -1), units], weights, macs: (prod(input) / cin) * cin * units };
};

function lastAxis(layer: LayerJson, input: number[]): number {
  const axis = layer.config['axis'];
  const ok = axis === undefined || axis === null || axis === -1 || axis === input.length || (Array.isArray(axis) && axis.length === 1 && (axis[0] === -1 || axis[0] === input.length));
  if (!ok) throw configError(layer, 'axis', `is ${JSON.stringify(axis)}; the lab supports normalisation over the channel (last) axis only`);
  return input[input.length - 1];
}

const batchNorm: MathFn = (layer, inputs) => {
  const input = single(layer, inputs);
  const c = lastAxis(layer, input);
  const weights: { name: string; shape: number[] }[] = [];
  if (configBool(layer, 'scale', true)) weights.push({ name: 'gamma', shape: [c] });
  if (configBool(layer, 'center', true)) weights.push({ name: 'beta', shape: [c] });
  weights.push({ name: 'moving_mean', shape: [c] }, { name: 'moving_variance', shape: [c] });
  return { outputShape: [...input], weights, macs: prod(input) };
};

const layerNorm: MathFn = (layer, inputs) => {
  const input = single(layer, inputs);
  const c = lastAxis(layer, input);
  const weights: { name: string; shape: number[] }[] = [];
  if (configBool(layer, 'scale', true)) weights.push({ name: 'gamma', shape: [c] });
  if (configBool(layer, 'center', true)) weights.push({ name: 'beta', shape: [c] });
  return { outputShape: [...input], weights, macs: 2 * prod(input) };
};

const prelu: MathFn = (layer, inputs) => {
  const input = single(layer, inputs);
  const shared = layer.config['shared_axes'];
  const sharedAxes = Array.isArray(shared) ? shared : typeof shared === 'number' ? [shared] : [];
  const alpha = input.map((d, i) => (sharedAxes.includes(i + 1) ? 1 : d));
  return { outputShape: [...input], weights: [{ name: 'alpha', shape: alpha }], macs: prod(input) };
};

function pooling(isAverage: boolean): MathFn {
  return (layer, inputs) => {
    channelsLast(layer);
    const [h, w, c] = single(layer, inputs, 3);
    const pool = configPair(layer, 'pool_size', [2, 2]);
    const [ho, wo] = spatial(layer, [h, w], pool, configPair(layer, 'strides', pool));
    return { outputShape: [ho, wo, c], weights: [], macs: isAverage ? ho * wo * c * pool[0] * pool[1] : 0 };
  };
}

function globalPooling(isAverage: boolean): MathFn {
  return (layer, inputs) => {
    channelsLast(layer);
    const [h, w, c] = single(layer, inputs, 3);
    const outputShape = configBool(layer, 'keepdims', false) ? [1, 1, c] : [c];
    return { outputShape, weights: [], macs: isAverage ? h * w * c : 0 };
  };
}

const flatten: MathFn = (layer, inputs) => ({ outputShape: [prod(single(layer, inputs))], weights: [], macs: 0 });

const reshape: MathFn = (layer, inputs) => {
  const size = prod(single(layer, inputs));
  const target = layer.config['target_shape'];
  if (!Array.isArray(target) || !target.every((d) => typeof d === 'number' && Number.isInteger(d) && (d >= 1 || d === -1))) throw configError(layer, 'target_shape', 'must be a list of positive integers (one may be -1)');
  const dims = target as number[];
  const known = prod(dims.filter((d) => d !== -1));
  const shape = dims.map((d) => (d === -1 ? size / known : d));
  if (dims.filter((d) => d === -1).length > 1 || prod(shape) !== size || !shape.every(Number.isInteger)) throw configError(layer, 'target_shape', `${JSON.stringify(dims)} does not hold the ${size} input values`);
  return { outputShape: shape, weights: [], macs: 0 };
};

/** Reads `[[top, bottom], [left, right]]` given as n, [a, b] or the full form. */
function padPairs(layer: LayerJson, key: string, fallback: number): [[number, number], [number, number]] {
  const v: Json | undefined = layer.config[key];
  const isCount = (x: Json | undefined): x is number => typeof x === 'number' && Number.isInteger(x) && x >= 0 && x < 1e5;
  if (v === undefined || v === null) return [[fallback, fallback], [fallback, fallback]];
  if (isCount(v)) return [[v, v], [v, v]];
  if (Array.isArray(v) && v.length === 2 && v.every(isCount)) return [[v[0] as number, v[0] as number], [v[1] as number, v[1] as number]];
  if (Array.isArray(v) && v.length === 2 && v.every((p) => Array.isArray(p) && p.length === 2 && p.every(isCount))) {
    const [a, b] = v as number[][];
    return [[a[0], a[1]], [b[0], b[1]]];
  }
  throw configError(layer, key, `has an unreadable value ${JSON.stringify(v)}`);
}

const zeroPadding: MathFn = (layer, inputs) => {
  const [h, w, c] = single(layer, inputs, 3);
  const [[t, b], [l, r]] = padPairs(layer, 'padding', 1);
  return { outputShape: [h + t + b, w + l + r, c], weights: [], macs: 0 };
};

const cropping: MathFn = (layer, inputs) => {
  const [h, w, c] = single(layer, inputs, 3);
  const [[t, b], [l, r]] = padPairs(layer, 'cropping', 0);
  if (h - t - b < 1 || w - l - r < 1) throw configError(layer, 'cropping', `removes the whole ${h}×${w} input`);
  return { outputShape: [h - t - b, w - l - r, c], weights: [], macs: 0 };
};

const upSampling: MathFn = (layer, inputs) => {
  const [h, w, c] = single(layer, inputs, 3);
  const [sh, sw] = configPair(layer, 'size', [2, 2]);
  return { outputShape: [h * sh, w * sw, c], weights: [], macs: 0 };
};

function merge(layer: LayerJson, inputs: number[][]): number[] {
  if (inputs.length < 2) throw topologyError(`Layer "${layer.name}" (${layer.className}) merges ${inputs.length} tensor(s); it needs at least two.`, `${layer.path}.inbound_nodes`, 'Re-export the model; the layer wiring is damaged.');
  return inputs[0];
}

function elementwise(layer: LayerJson, inputs: number[][]): LayerMath {
  const first = merge(layer, inputs);
  for (const s of inputs) {
    if (s.join() !== first.join()) throw topologyError(`Layer "${layer.name}" (${layer.className}) combines tensors of different shapes: ${inputs.map((x) => `[${x.join(', ')}]`).join(' and ')}.`, `${layer.path}.inbound_nodes`, 'The branches must produce the same shape; check strides and filter counts.');
  }
  return { outputShape: [...first], weights: [], macs: (inputs.length - 1) * prod(first) };
}

const concatenate: MathFn = (layer, inputs) => {
  const first = merge(layer, inputs);
  const rawAxis = layer.config['axis'] ?? -1;
  if (typeof rawAxis !== 'number' || !Number.isInteger(rawAxis)) throw configError(layer, 'axis', 'must be an integer');
  // Keras counts the batch axis; our shapes do not.
  const axis = rawAxis < 0 ? first.length + rawAxis : rawAxis - 1;
  if (axis < 0 || axis >= first.length) throw configError(layer, 'axis', `is out of range for [batch, ${first.join(', ')}]`);
  const out = [...first];
  out[axis] = 0;
  for (const s of inputs) {
    const same = s.length === first.length && s.every((d, i) => i === axis || d === first[i]);
    if (!same) throw topologyError(`Layer "${layer.name}" (Concatenate) joins tensors whose other dimensions differ: ${inputs.map((x) => `[${x.join(', ')}]`).join(' and ')}.`, `${layer.path}.inbound_nodes`, 'The branches must agree on every dimension except the joined one.');
    out[axis] += s[axis];
  }
  return { outputShape: out, weights: [], macs: 0 };
};

/** The layer classes the lab runs, mapped to their math (InputLayer and nested models are handled by the flattener). */
export const LAYER_MATH: Readonly<Record<string, MathFn>> = {
  Conv2D: conv2d,
  DepthwiseConv2D: depthwise,
  SeparableConv2D: separable,
  Dense: dense,
  BatchNormalization: batchNorm,
  LayerNormalization: layerNorm,
  Activation: identity,
  ReLU: identity,
  LeakyReLU: identity,
  ELU: identity,
  ThresholdedReLU: identity,
  Softmax: identity,
  PReLU: prelu,
  Dropout: identity,
  AlphaDropout: identity,
  GaussianDropout: identity,
  GaussianNoise: identity,
  Rescaling: identity,
  MaxPooling2D: pooling(false),
  AveragePooling2D: pooling(true),
  GlobalMaxPooling2D: globalPooling(false),
  GlobalAveragePooling2D: globalPooling(true),
  Flatten: flatten,
  Reshape: reshape,
  ZeroPadding2D: zeroPadding,
  Cropping2D: cropping,
  UpSampling2D: upSampling,
  Add: elementwise,
  Multiply: elementwise,
  Average: elementwise,
  Maximum: elementwise,
  Minimum: elementwise,
  Concatenate: concatenate,
};

/** Layer classes whose weights do the block's work (they open a conv unit). */
export const WEIGHTED_MAIN_CLASSES: ReadonlySet<string> = new Set(['Conv2D', 'DepthwiseConv2D', 'SeparableConv2D', 'Dense']);

/** Output shape, weights and MACs of one layer given its input shapes. */
export function layerMath(layer: LayerJson, inputs: number[][]): LayerMath {
  const fn = LAYER_MATH[layer.className];
  if (!fn) throw topologyError(`Layer "${layer.name}" has class ${layer.className}, which the lab cannot run.`, `${layer.path}.class_name`, 'Use standard Keras layers only.');
  return fn(layer, inputs);
}

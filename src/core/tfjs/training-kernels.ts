import * as tf from '@tensorflow/tfjs';
// Imported for its side effect: wasm's own kernels must be registered before we add or replace ours.
import '@tensorflow/tfjs-backend-wasm';
import { LabError } from '../errors';
import { conv2dFilterGrad, conv2dInputGrad, depthwiseFilterGrad, depthwiseInputGrad } from './conv-grad';
import { maxPoolGrad } from './pool-grad';
import type { Pad, Rounding, Shape4 } from './window';

/**
 * Backprop kernels that tfjs 4.22's wasm backend lacks (or gets wrong), composed from ops that
 * wasm has. A kernel may run ops: the engine stops taping while a kernel runs, and a returned
 * Tensor is passed through as the kernel's output, so each kernel is one tf.tidy.
 */

const BACKEND = 'wasm';

interface ConvAttrs {
  strides: number | [number, number];
  pad: Pad;
  dilations?: number | [number, number];
  dimRoundingMode?: Rounding;
  dataFormat?: 'NHWC' | 'NCHW';
}

function tensor4(info: tf.TensorInfo | undefined, name: string): tf.Tensor4D {
  if (!info) throw new LabError(`Training kernel input "${name}" is missing.`, { field: name, fix: 'Call the op through tfjs, not the kernel directly.' });
  const t = info instanceof tf.Tensor ? info : tf.engine().makeTensorFromTensorInfo(info);
  return t as tf.Tensor4D;
}

function requireNhwc(attrs: ConvAttrs): void {
  if (attrs.dataFormat === 'NCHW') {
    throw new LabError('The wasm training kernels support NHWC only.', { field: 'dataFormat', fix: 'Use channelsLast (NHWC) layers.' });
  }
}

const conv2dBackpropFilter: tf.KernelFunc = ({ inputs, attrs }) => {
  const a = attrs as unknown as ConvAttrs & { filterShape: Shape4 };
  requireNhwc(a);
  return tf.tidy(() => conv2dFilterGrad(tensor4(inputs.x, 'x'), tensor4(inputs.dy, 'dy'), a.filterShape, a.strides, a.pad, a.dilations ?? 1, a.dimRoundingMode));
};

const conv2dBackpropInput: tf.KernelFunc = ({ inputs, attrs }) => {
  const a = attrs as unknown as ConvAttrs & { inputShape: Shape4 };
  requireNhwc(a);
  return tf.tidy(() => conv2dInputGrad(a.inputShape, tensor4(inputs.dy, 'dy'), tensor4(inputs.filter, 'filter'), a.strides, a.pad, a.dilations ?? 1, a.dimRoundingMode));
};

const depthwiseBackpropFilter: tf.KernelFunc = ({ inputs, attrs }) => {
  const a = attrs as unknown as ConvAttrs & { filterShape: Shape4 };
  return tf.tidy(() => depthwiseFilterGrad(tensor4(inputs.x, 'x'), tensor4(inputs.dy, 'dy'), a.filterShape, a.strides, a.pad, a.dilations ?? 1, a.dimRoundingMode));
};

const depthwiseBackpropInput: tf.KernelFunc = ({ inputs, attrs }) => {
  const a = attrs as unknown as ConvAttrs & { inputShape: Shape4 };
  return tf.tidy(() => depthwiseInputGrad(a.inputShape, tensor4(inputs.dy, 'dy'), tensor4(inputs.filter, 'filter'), a.strides, a.pad, a.dilations ?? 1, a.dimRoundingMode));
};

const maxPoolBackprop: tf.KernelFunc = ({ inputs, attrs }) => {
  const a = attrs as unknown as { filterSize: number | [number, number]; strides: number | [number, number]; pad: Pad; dimRoundingMode?: Rounding };
  return tf.tidy(() => maxPoolGrad(tensor4(inputs.dy, 'dy'), tensor4(inputs.input, 'input'), tensor4(inputs.output, 'output'), a.filterSize, a.strides, a.pad, a.dimRoundingMode));
};

/** Kernels registered for wasm, replacing wasm's own where it has one. */
const KERNELS: ReadonlyArray<{ name: string; fn: tf.KernelFunc }> = [
  { name: tf.Conv2DBackpropFilter, fn: conv2dBackpropFilter },
  // wasm has this one, but its direct loops are ~8× slower than a conv2d of the flipped filter.
  { name: tf.Conv2DBackpropInput, fn: conv2dBackpropInput },
  { name: tf.DepthwiseConv2dNativeBackpropFilter, fn: depthwiseBackpropFilter },
  { name: tf.DepthwiseConv2dNativeBackpropInput, fn: depthwiseBackpropInput },
  // wasm's own MaxPoolGrad (4.22) is wrong when a window holds only negative values.
  { name: tf.MaxPoolGrad, fn: maxPoolBackprop },
];

/** Names of the wasm kernels this module provides (for reports and tests). */
export const WASM_TRAINING_KERNELS: readonly string[] = KERNELS.map((k) => k.name);

/** Registers the missing/fixed backprop kernels for the 'wasm' backend; safe to call repeatedly. */
export function registerWasmTrainingKernels(): void {
  for (const { name, fn } of KERNELS) {
    const existing = tf.getKernel(name, BACKEND);
    if (existing?.kernelFunc === fn) continue;
    if (existing) tf.unregisterKernel(name, BACKEND);
    tf.registerKernel({ kernelName: name, backendName: BACKEND, kernelFunc: fn });
  }
}

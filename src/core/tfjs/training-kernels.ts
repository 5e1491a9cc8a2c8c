import * as tf from '@tensorflow/tfjs';
// Imported for its side effect: wasm's own kernels must be registered before we add or replace ours.
import '@tensorflow/tfjs-backend-wasm';
import { LabError } from '../errors';
import { conv2dFilterGrad, conv2dInputGrad, depthwiseFilterGrad, depthwiseInputGrad } from './conv-grad';
import { BATCH_NORM_TRAIN, BATCH_NORM_TRAIN_GRAD, batchNormTrainGradOnHeap, batchNormTrainOnHeap } from './batch-norm-kernel';
import type { HeapBackend } from './heap';
import { SGD_STEP, SUM_OF_SQUARES, sgdStepOnHeap, sumOfSquaresOnHeap } from './sgd-kernel';
import { maxPoolGradOnHeap } from './pool-grad';
import { padOnHeap } from './pad-kernel';
import { leadingAxes, reduceLeadingOnHeap } from './reduce-kernel';
import { concatOnHeap, sliceOnHeap, splitOnHeap } from './slice-kernel';
import type { Pad, Rounding, Shape4 } from './window';

/**
 * Kernels for the 'wasm' backend: the backprop kernels tfjs 4.22's wasm lacks (or gets wrong), the
 * conv gradients composed from ops that wasm has and maxPool's as one loop over the heap; and loops
 * over the heap (heap.ts) for the kernels wasm runs slowly on the supernet's small tensors. A
 * composed kernel may run ops: the engine stops taping while a kernel runs, and a returned Tensor is
 * passed through as the kernel's output, so each such kernel is one tf.tidy.
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

function float32Info(info: tf.TensorInfo | undefined, name: string): tf.TensorInfo {
  if (!info) throw new LabError(`Training kernel input "${name}" is missing.`, { field: name, fix: 'Call the op through tfjs, not the kernel directly.' });
  if (info.dtype !== 'float32') throw new LabError(`Training kernel input "${name}" must be float32, got ${info.dtype}.`, { field: name, fix: 'Cast the tensor to float32 first.' });
  return info;
}

const maxPoolBackprop: tf.KernelFunc = ({ inputs, attrs, backend }) => {
  const a = attrs as unknown as { filterSize: number | [number, number]; strides: number | [number, number]; pad: Pad; dimRoundingMode?: Rounding };
  return maxPoolGradOnHeap(backend as unknown as HeapBackend, float32Info(inputs.dy, 'dy'), float32Info(inputs.input, 'input'), a.filterSize, a.strides, a.pad, a.dimRoundingMode);
};

/** wasm's own kernels that ours hand the cases they do not handle to (their setup still runs). */
const wasmOwn = new Map<string, tf.KernelFunc>();
const own = (name: string): tf.KernelFunc => wasmOwn.get(name)!;

const slice: tf.KernelFunc = (args) => {
  const x = args.inputs.x;
  if (!x) throw new LabError('Slice input "x" is missing.', { field: 'x', fix: 'Call the op through tfjs, not the kernel directly.' });
  if (x.dtype === 'string') return own(tf.Slice)(args);
  const a = args.attrs as unknown as { begin: number | number[]; size?: number | number[] };
  return sliceOnHeap(args.backend as unknown as HeapBackend, x, a.begin, a.size);
};

const splitV: tf.KernelFunc = (args) => {
  const x = args.inputs.x;
  if (!x) throw new LabError('SplitV input "x" is missing.', { field: 'x', fix: 'Call the op through tfjs, not the kernel directly.' });
  const a = args.attrs as unknown as { numOrSizeSplits: number | number[]; axis: number | number[] };
  const axis = tf.util.parseAxisParam(a.axis, x.shape)[0];
  return splitOnHeap(args.backend as unknown as HeapBackend, x, tf.backend_util.prepareSplitSize(x as tf.Tensor, a.numOrSizeSplits, axis), axis);
};

const concat: tf.KernelFunc = (args) => {
  const inputs = Object.values(args.inputs) as tf.TensorInfo[];
  const axis = tf.util.parseAxisParam((args.attrs as unknown as { axis: number | number[] }).axis, inputs[0].shape)[0];
  if (inputs[0].dtype === 'string' || inputs.length === 1) return own(tf.Concat)(args);
  return concatOnHeap(args.backend as unknown as HeapBackend, inputs, axis);
};

const pad: tf.KernelFunc = (args) => {
  const x = args.inputs.x;
  if (!x) throw new LabError('Pad input "x" is missing.', { field: 'x', fix: 'Call the op through tfjs, not the kernel directly.' });
  if (x.dtype === 'string') return own(tf.PadV2)(args);
  const a = args.attrs as unknown as { paddings: [number, number][]; constantValue: number };
  return padOnHeap(args.backend as unknown as HeapBackend, x, a.paddings, a.constantValue);
};

/** Sum or Mean over the leading axes of float32 (batch norm's per-channel reductions) on the heap; anything else by wasm's own. */
function leadingReduction(name: string, kind: 'sum' | 'mean'): tf.KernelFunc {
  return (args) => {
    const x = args.inputs.x;
    const a = args.attrs as unknown as { axis: number | number[]; keepDims: boolean };
    const k = x && x.dtype === 'float32' ? leadingAxes(a.axis, x.shape.length) : null;
    if (k === null) return own(name)(args);
    return reduceLeadingOnHeap(args.backend as unknown as HeapBackend, x!, k, kind, a.keepDims);
  };
}

/**
 * Identity shares the input's memory (one more reference), as wasm's own Reshape and cpu's
 * Identity do, instead of copying it: the engine clones every tensor a kernel saves for its
 * gradient (≈ 5,000 copies per paper search step), and no kernel writes into its inputs.
 */
const identity: tf.KernelFunc = (args) => {
  const x = args.inputs.x;
  if (!x) throw new LabError('Identity input "x" is missing.', { field: 'x', fix: 'Call the op through tfjs, not the kernel directly.' });
  if (x.dtype === 'string') return own(tf.Identity)(args);
  (args.backend as unknown as { incRef(dataId: object): void }).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
};

const batchNormTrain: tf.KernelFunc = ({ inputs, attrs, backend }) =>
  batchNormTrainOnHeap(backend as unknown as HeapBackend, float32Info(inputs.x, 'x'), (attrs as unknown as { epsilon: number }).epsilon);

const batchNormTrainGrad: tf.KernelFunc = ({ inputs, backend }) =>
  batchNormTrainGradOnHeap(backend as unknown as HeapBackend, float32Info(inputs.dy, 'dy'), float32Info(inputs.y, 'y'), float32Info(inputs.scale, 'scale'));

const sumOfSquares: tf.KernelFunc = ({ inputs, backend }) =>
  sumOfSquaresOnHeap(backend as unknown as HeapBackend, (Object.values(inputs) as tf.TensorInfo[]).map((t, i) => float32Info(t, `inputs[${i}]`)));

const sgdStep: tf.KernelFunc = ({ inputs, attrs, backend }) =>
  sgdStepOnHeap(backend as unknown as HeapBackend, float32Info(inputs.w, 'w'), float32Info(inputs.b, 'b'), float32Info(inputs.g, 'g'), float32Info(inputs.scale, 'scale'), attrs as unknown as { learningRate: number; momentum: number; weightDecay: number });

/** Kernels registered for wasm, replacing wasm's own where it has one. */
const KERNELS: ReadonlyArray<{ name: string; fn: tf.KernelFunc }> = [
  { name: tf.Conv2DBackpropFilter, fn: conv2dBackpropFilter },
  // wasm has this one, but its direct loops are ~8× slower than a conv2d of the flipped filter.
  { name: tf.Conv2DBackpropInput, fn: conv2dBackpropInput },
  { name: tf.DepthwiseConv2dNativeBackpropFilter, fn: depthwiseBackpropFilter },
  { name: tf.DepthwiseConv2dNativeBackpropInput, fn: depthwiseBackpropInput },
  // wasm's own MaxPoolGrad (4.22) is wrong when a window holds only negative values (pool-grad.ts).
  { name: tf.MaxPoolGrad, fn: maxPoolBackprop },
  // Not backprop kernels, but the supernet's gradients run hundreds of slices, pads and per-channel
  // reductions per step (slice-kernel.ts, pad-kernel.ts, reduce-kernel.ts).
  { name: tf.Slice, fn: slice },
  { name: tf.PadV2, fn: pad },
  { name: tf.SplitV, fn: splitV },
  { name: tf.Concat, fn: concat },
  { name: tf.Identity, fn: identity },
  { name: tf.Sum, fn: leadingReduction(tf.Sum, 'sum') },
  { name: tf.Mean, fn: leadingReduction(tf.Mean, 'mean') },
  // The lab's own: the search cell's batch norm forward and backward as one kernel each (ops/norm.ts).
  { name: BATCH_NORM_TRAIN, fn: batchNormTrain },
  { name: BATCH_NORM_TRAIN_GRAD, fn: batchNormTrainGrad },
  // ...and the supernet's weight step: the gradients' global norm, then one SGD kernel per variable (search/optimizers.ts).
  { name: SUM_OF_SQUARES, fn: sumOfSquares },
  { name: SGD_STEP, fn: sgdStep },
];

/** Names of the wasm kernels this module provides (for reports and tests). */
export const WASM_TRAINING_KERNELS: readonly string[] = KERNELS.map((k) => k.name);

/** Registers the missing/fixed backprop kernels for the 'wasm' backend; safe to call repeatedly. */
export function registerWasmTrainingKernels(): void {
  for (const { name, fn } of KERNELS) {
    const existing = tf.getKernel(name, BACKEND);
    if (existing?.kernelFunc === fn) continue;
    if (existing) {
      wasmOwn.set(name, existing.kernelFunc);
      tf.unregisterKernel(name, BACKEND);
    }
    // wasm's own setup stays: it binds the native function that ours may still hand cases to.
    tf.registerKernel({ kernelName: name, backendName: BACKEND, kernelFunc: fn, setupFunc: existing?.setupFunc });
  }
}

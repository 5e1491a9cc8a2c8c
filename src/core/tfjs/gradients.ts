import * as tf from '@tensorflow/tfjs';
import { LabError } from '../errors';
import { conv2dFilterGrad, conv2dInputGrad, depthwiseFilterGrad, depthwiseInputGrad } from './conv-grad';
import type { Pad, Rounding } from './window';

/**
 * Gradient overrides that make conv2d and depthwiseConv2d with dilation > 1 trainable on every
 * backend (tfjs 4.22 asserts dilation 1 in both gradients). Dilation 1 is passed to tfjs's own
 * gradient unchanged, so GPU backends keep their native backprop kernels.
 *
 * Not covered, because tfjs attaches those gradients per call with customGrad rather than through
 * the registry: tf.fused.conv2d / tf.fused.depthwiseConv2d with dilation > 1 while taping. Layers
 * reach that path only as tf.layers.conv2d with dilationRate > 1 and a linear activation
 * (a relu activation unfuses it while taping); depthwise and separable layers never fuse.
 */

interface ConvGradAttrs {
  strides: number | [number, number];
  pad: Pad;
  dilations?: number | [number, number];
  dimRoundingMode?: Rounding;
  dataFormat?: 'NHWC' | 'NCHW';
}

/** Input name → a thunk computing that input's gradient, as tfjs gradient functions return. */
type GradientMap = Record<string, () => tf.Tensor>;

type GradBuilder = (dy: tf.Tensor4D, x: tf.Tensor4D, filter: tf.Tensor4D, a: ConvGradAttrs) => GradientMap;

const ours = new Set<tf.GradFunc>();

function isDilated(dilations: number | number[] | undefined): boolean {
  if (dilations == null) return false;
  return typeof dilations === 'number' ? dilations > 1 : dilations.some((d) => d > 1);
}

function dilatedConv2d(dy: tf.Tensor4D, x: tf.Tensor4D, filter: tf.Tensor4D, a: ConvGradAttrs): GradientMap {
  const dilations = a.dilations ?? 1;
  return {
    x: () => conv2dInputGrad(x.shape, dy, filter, a.strides, a.pad, dilations, a.dimRoundingMode),
    filter: () => conv2dFilterGrad(x, dy, filter.shape, a.strides, a.pad, dilations, a.dimRoundingMode),
  };
}

function dilatedDepthwise(dy: tf.Tensor4D, x: tf.Tensor4D, filter: tf.Tensor4D, a: ConvGradAttrs): GradientMap {
  const dilations = a.dilations ?? 1;
  return {
    x: () => depthwiseInputGrad(x.shape, dy, filter, a.strides, a.pad, dilations, a.dimRoundingMode),
    filter: () => depthwiseFilterGrad(x, dy, filter.shape, a.strides, a.pad, dilations, a.dimRoundingMode),
  };
}

/** Replaces one kernel's gradient: dilated calls go to `build`, the rest to the original gradient. */
function overrideDilated(kernelName: string, build: GradBuilder): void {
  const original = tf.getGradient(kernelName);
  if (!original) throw new LabError(`tfjs has no gradient registered for ${kernelName}.`, { field: 'tfjs', fix: 'Use @tensorflow/tfjs 4.22.' });
  if (ours.has(original.gradFunc)) return;
  const gradFunc: tf.GradFunc = (dy, saved, attrs) => {
    const a = attrs as unknown as ConvGradAttrs;
    if (!isDilated(a.dilations)) return original.gradFunc(dy, saved, attrs);
    if (a.dataFormat === 'NCHW') {
      throw new LabError(`Dilated ${kernelName} gradients support NHWC only.`, { field: 'dataFormat', fix: 'Use channelsLast (NHWC) layers.' });
    }
    const [x, filter] = saved as [tf.Tensor4D, tf.Tensor4D];
    return build(dy as tf.Tensor4D, x, filter, a);
  };
  ours.add(gradFunc);
  // Keep inputsToSave/outputsToSave: the forward pass reads them from the registry.
  tf.registerGradient({ ...original, gradFunc });
}

/** Makes Conv2D and DepthwiseConv2dNative gradients accept dilation > 1; safe to call repeatedly. */
export function registerDilationGradients(): void {
  overrideDilated(tf.Conv2D, dilatedConv2d);
  overrideDilated(tf.DepthwiseConv2dNative, dilatedDepthwise);
}

import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../../random';
import { dilatedDepthwiseConv2d } from './dilate';

/**
 * A small differentiable function with its own variables: [N,H,W,C] → [N,H',W',C'].
 * `variables` are trained; `buffers` are BN running statistics (saved, never trained).
 */
export interface Op {
  apply(x: tf.Tensor4D, training: boolean): tf.Tensor4D;
  readonly variables: tf.Variable[];
  readonly buffers: tf.Variable[];
  dispose(): void;
}

/** BN ε and running-statistics momentum (PyTorch defaults, as DARTS uses). */
const BN_EPSILON = 1e-5;
const BN_MOMENTUM = 0.1;

function variableFrom(values: Float32Array, shape: number[]): tf.Variable {
  const initial = tf.tensor(values, shape);
  const v = tf.variable(initial, true);
  initial.dispose();
  return v;
}

/** He-normal (std √(2/fanIn)) variable drawn from `rng`, so init is seeded on every backend. */
export function heNormal(shape: number[], fanIn: number, rng: Rng): tf.Variable {
  const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
  const std = Math.sqrt(2 / fanIn);
  for (let i = 0; i < values.length; i++) values[i] = rng.normal() * std;
  return variableFrom(values, shape);
}

function constantVariable(size: number, value: number, trainable: boolean): tf.Variable {
  const initial = tf.fill([size], value);
  const v = tf.variable(initial, trainable);
  initial.dispose();
  return v;
}

/** An op from a function and the variables it owns. */
export function makeOp(apply: Op['apply'], variables: tf.Variable[] = [], buffers: tf.Variable[] = []): Op {
  return {
    apply,
    variables,
    buffers,
    dispose: () => [...variables, ...buffers].forEach((v) => v.dispose()),
  };
}

/** Ops applied one after another; owns all their variables. */
export function sequence(...ops: Op[]): Op {
  return {
    apply: (x, training) => tf.tidy(() => ops.reduce((h, op) => op.apply(h, training), x)),
    variables: ops.flatMap((op) => op.variables),
    buffers: ops.flatMap((op) => op.buffers),
    dispose: () => ops.forEach((op) => op.dispose()),
  };
}

/** Identity (skip_connect at stride 1). */
export const identity = (): Op => makeOp((x) => x);

/** ReLU, no variables. */
export const relu = (): Op => makeOp((x) => tf.relu(x));

/** k×k convolution, 'same' padding (output ⌈H/stride⌉), no bias: cin → cout channels. */
export function conv(cin: number, cout: number, kernelSize: number, stride: number, rng: Rng): Op {
  const kernel = heNormal([kernelSize, kernelSize, cin, cout], kernelSize * kernelSize * cin, rng);
  return makeOp((x) => tf.conv2d(x, kernel as tf.Tensor4D, stride, 'same'), [kernel]);
}

/**
 * Conv1×1 with bias whose weights and bias start at zero: a branch that outputs exactly 0 but
 * whose weights get a gradient from the first step (a zero BN γ would block every gradient
 * upstream of it until γ itself had grown).
 */
export function zeroConv1x1(cin: number, cout: number): Op {
  const kernel = variableFrom(new Float32Array(cin * cout), [1, 1, cin, cout]);
  const bias = constantVariable(cout, 0, true);
  return makeOp((x) => tf.conv2d(x, kernel as tf.Tensor4D, 1, 'same').add(bias) as tf.Tensor4D, [kernel, bias]);
}

/**
 * Depthwise k×k convolution, 'same' padding, no bias. With `dilation` > 1 the kernel is
 * zero-interleaved by rank ≤ 4 ops (dilate.ts), because tfjs has no gradient for dilated
 * depthwise convolutions and forbids stride > 1 together with dilation > 1.
 */
export function depthwise(channels: number, kernelSize: number, stride: number, dilation: number, rng: Rng): Op {
  const kernel = heNormal([kernelSize, kernelSize, channels, 1], kernelSize * kernelSize, rng);
  return makeOp((x) => {
    if (dilation === 1) return tf.depthwiseConv2d(x, kernel as tf.Tensor4D, stride, 'same');
    return dilatedDepthwiseConv2d(x, kernel as tf.Tensor4D, stride, dilation);
  }, [kernel]);
}

/**
 * Batch normalisation over N,H,W. Training: batch statistics (biased variance), running
 * statistics updated with momentum 0.1. Inference: running statistics. `affine` adds γ (starting
 * at `initialGamma`; 0 makes a zero-initialised branch) and β.
 */
export function batchNorm(channels: number, affine: boolean, initialGamma = 1): Op {
  const runningMean = constantVariable(channels, 0, false);
  const runningVar = constantVariable(channels, 1, false);
  const gamma = affine ? constantVariable(channels, initialGamma, true) : null;
  const beta = affine ? constantVariable(channels, 0, true) : null;
  const apply = (x: tf.Tensor4D, training: boolean): tf.Tensor4D =>
    tf.tidy(() => {
      let mean: tf.Tensor = runningMean;
      let variance: tf.Tensor = runningVar;
      if (training) {
        const moments = tf.moments(x, [0, 1, 2]);
        mean = moments.mean;
        variance = moments.variance;
        runningMean.assign(tf.tidy(() => runningMean.mul(1 - BN_MOMENTUM).add(moments.mean.mul(BN_MOMENTUM))));
        runningVar.assign(tf.tidy(() => runningVar.mul(1 - BN_MOMENTUM).add(moments.variance.mul(BN_MOMENTUM))));
      }
      let y = x.sub(mean).div(variance.add(BN_EPSILON).sqrt()) as tf.Tensor4D;
      if (gamma && beta) y = y.mul(gamma).add(beta);
      return y;
    });
  return makeOp(apply, gamma && beta ? [gamma, beta] : [], [runningMean, runningVar]);
}

import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { registerDilationGradients } from '../../../../src/core/tfjs/gradients';
import { registerWasmTrainingKernels } from '../../../../src/core/tfjs/training-kernels';
import { finiteDifferenceGrads, gradsOn, randomValues, relativeError, type Values } from './grad-helpers';

type Op = (t: tf.Tensor[]) => tf.Tensor;
const conv = (stride: number, pad: 'same' | 'valid', dilation: number): Op =>
  ([x, f]) => tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, stride, pad, 'NHWC', dilation);
const depthwise = (stride: number, pad: 'same' | 'valid', dilation: number): Op =>
  ([x, f]) => tf.depthwiseConv2d(x as tf.Tensor4D, f as tf.Tensor4D, stride, pad, 'NHWC', dilation);

const x: Values = randomValues([2, 7, 6, 3], 1);
const convFilter: Values = randomValues([3, 2, 3, 2], 2);
const dwFilter: Values = randomValues([3, 3, 3, 2], 3);
const originalConvGrad = tf.getGradient('Conv2D');
// tfjs's own dilation-1 gradients, and its refusal of dilation 2, recorded before any override.
let before: { conv: Float32Array[]; depthwise: Float32Array[]; dilatedError: string };

beforeAll(async () => {
  const conv1 = await gradsOn('cpu', conv(2, 'same', 1), [x, convFilter]);
  const dw1 = await gradsOn('cpu', depthwise(1, 'valid', 1), [x, dwFilter]);
  const dilatedError = await gradsOn('cpu', conv(1, 'same', 2), [x, convFilter]).then(() => '', (e: Error) => e.message);
  before = { conv: conv1, depthwise: dw1, dilatedError };
  registerWasmTrainingKernels();
  registerDilationGradients();
});

describe('dilation gradients', () => {
  it('tfjs alone refuses dilated conv gradients (what the override fixes)', () => {
    expect(before.dilatedError).toMatch(/dilation/);
  });

  it('passes dilation 1 to tfjs\'s own gradient unchanged', async () => {
    expect(await gradsOn('cpu', conv(2, 'same', 1), [x, convFilter])).toEqual(before.conv);
    expect(await gradsOn('cpu', depthwise(1, 'valid', 1), [x, dwFilter])).toEqual(before.depthwise);
    expect(tf.getGradient('Conv2D')?.inputsToSave).toEqual(originalConvGrad?.inputsToSave);
  });

  it('is idempotent', () => {
    const first = tf.getGradient('Conv2D');
    registerDilationGradients();
    expect(tf.getGradient('Conv2D')).toBe(first);
    expect(first).not.toBe(originalConvGrad);
  });

  for (const pad of ['same', 'valid'] as const) {
    for (const backend of ['cpu', 'wasm']) {
      it(`dilated conv2d gradients match finite differences (${pad}, ${backend})`, async () => {
        for (const dilation of [2, 3]) {
          const op = conv(1, pad, dilation);
          const expected = await finiteDifferenceGrads(op, [x, convFilter]);
          const actual = await gradsOn(backend, op, [x, convFilter]);
          expected.forEach((e, i) => expect(relativeError(actual[i], e)).toBeLessThan(1e-4));
        }
      });

      it(`dilated depthwiseConv2d gradients match finite differences (${pad}, ${backend})`, async () => {
        for (const filter of [dwFilter, randomValues([2, 3, 3, 1], 4)]) {
          const op = depthwise(1, pad, 2);
          const expected = await finiteDifferenceGrads(op, [x, filter]);
          const actual = await gradsOn(backend, op, [x, filter]);
          expected.forEach((e, i) => expect(relativeError(actual[i], e)).toBeLessThan(1e-4));
        }
      });
    }
  }

  it('trains dilated separable and relu conv layers on cpu and wasm, with matching gradients', async () => {
    const model = tf.sequential({
      layers: [
        tf.layers.separableConv2d({ inputShape: [7, 6, 3], filters: 4, kernelSize: 3, dilationRate: 2, padding: 'same' }),
        tf.layers.depthwiseConv2d({ kernelSize: 3, dilationRate: 2, padding: 'valid' }),
        tf.layers.conv2d({ filters: 2, kernelSize: 3, dilationRate: 2, padding: 'same', activation: 'relu' }),
      ],
    });
    const grads: Float32Array[][] = [];
    for (const backend of ['cpu', 'wasm']) {
      await tf.setBackend(backend);
      const { grads: g, value } = tf.variableGrads(() => tf.tidy(() => {
        const input = tf.tensor4d(x.data, x.shape as [number, number, number, number]);
        return tf.sum(tf.square(model.apply(input) as tf.Tensor));
      }));
      grads.push(await Promise.all(Object.values(g).map(async (t) => (await t.data()) as Float32Array)));
      tf.dispose([value, ...Object.values(g)]);
    }
    expect(grads[0]).toHaveLength(model.trainableWeights.length);
    grads[0].forEach((cpu, i) => expect(relativeError(grads[1][i], cpu)).toBeLessThan(1e-4));
    model.dispose();
  });

  it('leaves no tensors behind', async () => {
    await tf.setBackend('cpu');
    const count = tf.memory().numTensors;
    await gradsOn('cpu', depthwise(1, 'same', 2), [x, dwFilter]);
    await gradsOn('cpu', conv(1, 'valid', 2), [x, convFilter]);
    expect(tf.memory().numTensors).toBe(count);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { dilateKernel, dilatedByPhases, dilatedDepthwiseByKernel, dilatedDepthwiseConv2d, dilatedNative } from '../../../../src/core/search/ops/dilate';
import { installTrainingSupport } from '../../../../src/core/tfjs/install';
import { randomTensor } from './gradcheck';

let before = 0;
beforeAll(async () => {
  installTrainingSupport();
  await tf.setBackend('cpu');
  before = tf.memory().numTensors;
});
afterAll(() => expect(tf.memory().numTensors).toBe(before));

/**
 * Reference: the cpu backend's forward dilated conv. tfjs forbids stride > 1 with dilation,
 * so pad exactly as TF 'same' does for the strided output, convolve 'valid' at stride 1
 * with `dilations`, and keep every stride-th pixel.
 */
function reference(x: tf.Tensor4D, kernel: tf.Tensor4D, stride: number, rate: number): tf.Tensor4D {
  return tf.tidy(() => {
    const [, h, w] = x.shape;
    const effective = (kernel.shape[0] - 1) * rate + 1;
    const pads = (size: number): [number, number] => {
      const out = Math.ceil(size / stride);
      const total = Math.max((out - 1) * stride + effective - size, 0);
      return [Math.floor(total / 2), total - Math.floor(total / 2)];
    };
    const padded = x.pad([[0, 0], pads(h), pads(w), [0, 0]]) as tf.Tensor4D;
    const full = tf.depthwiseConv2d(padded, kernel, 1, 'valid', 'NHWC', [rate, rate]);
    const [n, fh, fw, c] = full.shape;
    return tf.stridedSlice(full, [0, 0, 0, 0], [n, fh, fw, c], [1, stride, stride, 1]) as tf.Tensor4D;
  });
}

describe('dilateKernel', () => {
  it('places the taps `rate` apart with zeros between', () => {
    const k = tf.tensor4d([1, 2, 3, 4], [2, 2, 1, 1]);
    const d = dilateKernel(k, 2);
    expect(d.shape).toEqual([3, 3, 1, 1]);
    expect(Array.from(d.dataSync())).toEqual([1, 0, 2, 0, 0, 0, 3, 0, 4]);
    tf.dispose([k, d]);
  });
});

describe('dilated depthwise conv', () => {
  const cases: [number, number, number, number][] = [];
  for (const size of [7, 8]) for (const k of [3, 5]) for (const stride of [1, 2]) cases.push([size, k, stride, 2]);

  it.each(cases)('values match the cpu dilated conv: size %i, k %i, stride %i, rate %i', (size, k, stride, rate) => {
    const x = randomTensor([2, size, size, 3], size + k) as tf.Tensor4D;
    const kernel = randomTensor([k, k, 3, 1], 17 * k) as tf.Tensor4D;
    const ours = dilatedDepthwiseConv2d(x, kernel, stride, rate);
    const ref = reference(x, kernel, stride, rate);
    expect(ours.shape).toEqual([2, Math.ceil(size / stride), Math.ceil(size / stride), 3]);
    expect(ours.shape).toEqual(ref.shape);
    expect(tf.tidy(() => tf.max(tf.abs(ours.sub(ref))).dataSync()[0])).toBeLessThan(1e-5);
    tf.dispose([x, kernel, ours, ref]);
  });

  it.each([1, 2])('gradients match finite differences element by element (stride %i)', (stride) => {
    const x = randomTensor([1, 5, 5, 2], 3) as tf.Tensor4D;
    const kernel = randomTensor([3, 3, 2, 1], 4) as tf.Tensor4D;
    const outShape = [1, Math.ceil(5 / stride), Math.ceil(5 / stride), 2];
    const r = randomTensor(outShape, 5);
    const f = (a: tf.Tensor4D, b: tf.Tensor4D): tf.Scalar => tf.sum(dilatedDepthwiseConv2d(a, b, stride, 2).mul(r));
    const [gx, gk] = tf.grads((a: tf.Tensor, b: tf.Tensor) => f(a as tf.Tensor4D, b as tf.Tensor4D))([x, kernel]);
    const eps = 1e-2;
    for (const [which, base, grad] of [[0, x, gx], [1, kernel, gk]] as const) {
      const values = base.dataSync().slice();
      const analytic = grad.dataSync();
      for (let i = 0; i < values.length; i++) {
        const at = (delta: number): number => {
          const v = values.slice();
          v[i] += delta;
          const t = tf.tensor4d(v, base.shape as [number, number, number, number]);
          const out = tf.tidy(() => (which === 0 ? f(t, kernel) : f(x, t)).dataSync()[0]);
          t.dispose();
          return out;
        };
        const numeric = (at(eps) - at(-eps)) / (2 * eps);
        expect(Math.abs(numeric - analytic[i])).toBeLessThan(2e-3);
      }
    }
    tf.dispose([x, kernel, r, gx, gk]);
  });

  // The phase decomposition (rate 2) against the zero-interleaved kernel it replaces, on the search's shapes.
  const searchCases: [number, number, number][] = [];
  for (const [size, stride] of [[14, 2], [7, 1], [7, 2], [8, 1], [6, 1]] as const) for (const k of [3, 5]) searchCases.push([size, k, stride]);
  it.each(searchCases)('phase decomposition: values and gradients (x, kernel) match the zero-interleaved kernel within 1e-4: size %i, k %i, stride %i', (size, k, stride) => {
    const x = randomTensor([3, size, size, 4], size * 7 + k) as tf.Tensor4D;
    const kernel = randomTensor([k, k, 4, 1], 13 * k + stride) as tf.Tensor4D;
    const side = Math.ceil(size / stride);
    const r = randomTensor([3, side, side, 4], 99);
    const phases = (a: tf.Tensor4D, b: tf.Tensor4D, s: number) => dilatedByPhases(a, b, s);
    const ours = phases(x, kernel, stride);
    const ref = dilatedDepthwiseByKernel(x, kernel, stride, 2);
    expect(ours.shape).toEqual(ref.shape);
    const diff = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(a.sub(b))).dataSync()[0]);
    expect(diff(ours, ref)).toBeLessThan(1e-4);
    const loss = (conv: (a: tf.Tensor4D, b: tf.Tensor4D, s: number) => tf.Tensor4D) => (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(conv(a as tf.Tensor4D, b as tf.Tensor4D, stride).mul(r)));
    const [gx, gk] = tf.grads(loss(phases))([x, kernel]);
    const [rx, rk] = tf.grads(loss((a, b, s) => dilatedDepthwiseByKernel(a, b, s, 2)))([x, kernel]);
    const scale = tf.tidy(() => Math.max(1, tf.max(tf.abs(rk)).dataSync()[0], tf.max(tf.abs(rx)).dataSync()[0]));
    expect(diff(gx, rx) / scale).toBeLessThan(1e-4);
    expect(diff(gk, rk) / scale).toBeLessThan(1e-4);
    tf.dispose([x, kernel, r, ours, ref, gx, gk, rx, rk]);
  });

  // The backend's own dilated kernel with composed gradients (stride 1), on both backends that take it.
  const nativeCases: [string, number, number][] = [];
  for (const backend of ['cpu', 'wasm']) for (const size of [7, 8, 14]) for (const k of [3, 5]) nativeCases.push([backend, size, k]);
  it.each(nativeCases)('native dilation on %s: values and gradients (x, kernel) match the zero-interleaved kernel within 1e-4: size %i, k %i', async (backend, size, k) => {
    await tf.setBackend(backend);
    const x = randomTensor([3, size, size, 4], size * 5 + k) as tf.Tensor4D;
    const kernel = randomTensor([k, k, 4, 1], 11 * k) as tf.Tensor4D;
    const r = randomTensor([3, size, size, 4], 98);
    const diff = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(a.sub(b))).dataSync()[0]);
    const ours = dilatedNative(x, kernel, 2);
    const ref = dilatedDepthwiseByKernel(x, kernel, 1, 2);
    expect(ours.shape).toEqual(ref.shape);
    expect(diff(ours, ref)).toBeLessThan(1e-4);
    const loss = (conv: (a: tf.Tensor4D, b: tf.Tensor4D) => tf.Tensor4D) => (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(conv(a as tf.Tensor4D, b as tf.Tensor4D).mul(r)));
    const [gx, gk] = tf.grads(loss((a, b) => dilatedNative(a, b, 2)))([x, kernel]);
    const [rx, rk] = tf.grads(loss((a, b) => dilatedDepthwiseByKernel(a, b, 1, 2)))([x, kernel]);
    const scale = tf.tidy(() => Math.max(1, tf.max(tf.abs(rk)).dataSync()[0], tf.max(tf.abs(rx)).dataSync()[0]));
    expect(diff(gx, rx) / scale).toBeLessThan(1e-4);
    expect(diff(gk, rk) / scale).toBeLessThan(1e-4);
    tf.dispose([x, kernel, r, ours, ref, gx, gk, rx, rk]);
    await tf.setBackend('cpu');
  });

  it('dilatedDepthwiseConv2d: native at stride 1 on cpu, the phases at stride 2 (same values as the kernel construction)', () => {
    for (const [k, stride] of [[3, 1], [3, 2], [5, 1], [5, 2]] as const) {
      const x = randomTensor([2, 7, 7, 3], k + stride) as tf.Tensor4D;
      const kernel = randomTensor([k, k, 3, 1], 3 * k) as tf.Tensor4D;
      const a = dilatedDepthwiseConv2d(x, kernel, stride, 2);
      const b = dilatedDepthwiseByKernel(x, kernel, stride, 2);
      expect(tf.tidy(() => tf.max(tf.abs(a.sub(b))).dataSync()[0])).toBeLessThan(1e-5);
      tf.dispose([x, kernel, a, b]);
    }
  });

  it('leaks no tensor over 50 gradient steps (stride 1 and 2)', () => {
    const x = randomTensor([2, 7, 7, 3], 1) as tf.Tensor4D;
    const initial = randomTensor([5, 5, 3, 1], 2);
    const kernel = tf.variable(initial);
    initial.dispose();
    const step = () => {
      for (const stride of [1, 2]) {
        const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(dilatedDepthwiseConv2d(x, kernel as tf.Tensor4D, stride, 2))) as tf.Scalar, [kernel]);
        tf.dispose([value, ...Object.values(grads)]);
      }
    };
    step();
    const count = tf.memory().numTensors;
    for (let i = 0; i < 50; i++) step();
    expect(tf.memory().numTensors).toBe(count);
    tf.dispose([x, kernel]);
  });
});

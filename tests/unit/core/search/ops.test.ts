import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { OPS, PRIMITIVES, createSearchOp, isPrimitiveSubset } from '../../../../src/core/search/ops';
import { createRng } from '../../../../src/core/random';
import { directional, maxAbsDiff, normalizeReference, randomTensor, relativeError, separatedTensor } from './gradcheck';

let before = 0;
beforeAll(async () => {
  await tf.setBackend('cpu');
  before = tf.memory().numTensors;
});
afterAll(() => expect(tf.memory().numTensors).toBe(before));


describe('op table', () => {
  it('has exactly the DARTS primitives in DARTS order', () => {
    expect(PRIMITIVES).toEqual(['none', 'max_pool_3x3', 'avg_pool_3x3', 'skip_connect', 'sep_conv_3x3', 'sep_conv_5x5', 'dil_conv_3x3', 'dil_conv_5x5']);
    expect(Object.keys(OPS)).toEqual([...PRIMITIVES]);
    expect(isPrimitiveSubset(['none', 'skip_connect'])).toBe(true);
    expect(isPrimitiveSubset(['skip_connect', 'none'])).toBe(false);
  });

  const cases = PRIMITIVES.flatMap((name) => [1, 2].flatMap((stride) => [5, 6].map((size) => [name, stride, size] as const)));

  it.each(cases)('%s stride %d on size %d: shape ⌈H/s⌉, gradients match finite differences', (name, stride, size) => {
    const channels = 3;
    const op = createSearchOp(name, channels, stride, createRng(11));
    const initial = separatedTensor([2, size, size, channels], 21);
    const input = tf.variable(initial);
    initial.dispose();
    const out = tf.tidy(() => op.apply(input as tf.Tensor4D, true));
    const side = Math.ceil(size / stride);
    expect(out.shape).toEqual([2, side, side, channels]);
    const weights = randomTensor(out.shape, 31);
    const f = (): tf.Scalar => tf.tidy(() => tf.sum(op.apply(input as tf.Tensor4D, true).mul(weights)));
    if (name === 'none') {
      // No variables and no path from the input: the zero op must not depend on x at all.
      expect(op.variables).toHaveLength(0);
    } else {
      for (const [k, v] of [input, ...op.variables].entries()) {
        // Median of three directions: one direction may cross a ReLU kink inside the op.
        const checks = [0, 1, 2].map((d) => directional(f, v, 41 + 7 * k + d, 1e-3));
        const errors = checks.map(relativeError).sort((a, b) => a - b);
        expect(errors[1], `variable ${k}: ${JSON.stringify(checks)}`).toBeLessThan(2e-2);
      }
    }
    tf.dispose([input, out, weights]);
    op.dispose();
  });

  it.each([1, 2])('dil_conv_3x3 and dil_conv_5x5 values match the cpu dilated conv at stride %i', (stride) => {
    for (const [name, k] of [['dil_conv_3x3', 3], ['dil_conv_5x5', 5]] as const) {
      const op = OPS[name](4, stride, false, createRng(5));
      const x = randomTensor([2, 7, 7, 4], 6) as tf.Tensor4D;
      const [depthwiseKernel, pointwise] = op.variables as unknown as tf.Tensor4D[];
      expect(depthwiseKernel.shape).toEqual([k, k, 4, 1]);
      const reference = tf.tidy(() => {
        // 'same' for the strided output with the effective kernel 2k−1, then stride by slicing.
        const effective = 2 * k - 1;
        const out = Math.ceil(7 / stride);
        const total = Math.max((out - 1) * stride + effective - 7, 0);
        const pad: [number, number] = [Math.floor(total / 2), total - Math.floor(total / 2)];
        const padded = tf.relu(x).pad([[0, 0], pad, pad, [0, 0]]) as tf.Tensor4D;
        const full = tf.depthwiseConv2d(padded, depthwiseKernel, 1, 'valid', 'NHWC', [2, 2]);
        const strided = tf.stridedSlice(full, [0, 0, 0, 0], full.shape, [1, stride, stride, 1]) as tf.Tensor4D;
        return normalizeReference(tf.conv2d(strided, pointwise, 1, 'valid'));
      });
      const ours = tf.tidy(() => op.apply(x, true));
      expect(ours.shape).toEqual(reference.shape);
      expect(maxAbsDiff(ours, reference)).toBeLessThan(1e-4);
      tf.dispose([x, reference, ours]);
      op.dispose();
    }
  });

  it('strided skip_connect is DARTS FactorizedReduce (even and odd pixels, concat, BN)', () => {
    for (const size of [6, 7]) {
      const op = OPS.skip_connect(4, 2, false, createRng(8));
      const x = randomTensor([2, size, size, 4], 9) as tf.Tensor4D;
      const [a, b] = op.variables as unknown as tf.Tensor4D[];
      const reference = tf.tidy(() => {
        const r = tf.relu(x);
        const side = Math.ceil(size / 2);
        const even = tf.stridedSlice(r, [0, 0, 0, 0], [2, size, size, 4], [1, 2, 2, 1]) as tf.Tensor4D;
        const oddRaw = tf.stridedSlice(r, [0, 1, 1, 0], [2, size, size, 4], [1, 2, 2, 1]) as tf.Tensor4D;
        const missing = side - oddRaw.shape[1];
        const odd = oddRaw.pad([[0, 0], [0, missing], [0, missing], [0, 0]]) as tf.Tensor4D;
        return normalizeReference(tf.concat([tf.conv2d(even, a, 1, 'valid'), tf.conv2d(odd, b, 1, 'valid')], 3));
      });
      const ours = tf.tidy(() => op.apply(x, true));
      expect(maxAbsDiff(ours, reference)).toBeLessThan(1e-4);
      tf.dispose([x, reference, ours]);
      op.dispose();
    }
  });

  it.each([1, 2])('avg_pool_3x3 at stride %i matches tfjs avgPool values (padding not counted)', (stride) => {
    const x = randomTensor([2, 7, 7, 3], 4) as tf.Tensor4D;
    const op = OPS.avg_pool_3x3(3, stride, false);
    const ours = op.apply(x, true);
    const reference = tf.avgPool(x, 3, stride, 'same');
    expect(maxAbsDiff(ours, reference)).toBeLessThan(1e-5);
    tf.dispose([x, ours, reference]);
  });

  it('skip_connect at stride 1 is the identity and none is zero', () => {
    const x = randomTensor([1, 4, 4, 2], 1) as tf.Tensor4D;
    const skip = OPS.skip_connect(2, 1, false);
    const none = OPS.none(2, 2, false);
    const z = none.apply(x, true);
    expect(skip.apply(x, true)).toBe(x);
    expect(z.shape).toEqual([1, 2, 2, 2]);
    expect(Array.from(z.dataSync()).every((v) => v === 0)).toBe(true);
    tf.dispose([x, z]);
  });

  it('BN uses batch statistics in training and running statistics in inference', () => {
    const op = OPS.dil_conv_3x3(2, 1, false, createRng(2));
    const x = randomTensor([4, 5, 5, 2], 3, 3) as tf.Tensor4D;
    const train = tf.tidy(() => op.apply(x, true));
    const mean = tf.tidy(() => tf.mean(train).dataSync()[0]);
    expect(Math.abs(mean)).toBeLessThan(1e-4);
    const [runningMean] = op.buffers;
    expect(tf.tidy(() => tf.abs(runningMean).max().dataSync()[0])).toBeGreaterThan(0);
    const infer = tf.tidy(() => op.apply(x, false));
    expect(maxAbsDiff(train, infer)).toBeGreaterThan(1e-3);
    tf.dispose([x, train, infer]);
    op.dispose();
  });
});

import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { registerAvgPoolGradientFix } from '../../../../src/core/tfjs/avg-pool-grad';
import { createRng } from '../../../../src/core/random';

beforeAll(async () => {
  await tf.setBackend('cpu');
  registerAvgPoolGradientFix();
});

/** Exact for a linear op: d/dx_i of sum(w ⊙ f(x)) by a unit step. */
async function finiteDifference(f: (x: tf.Tensor4D) => tf.Tensor, x: tf.Tensor4D, w: tf.Tensor): Promise<Float32Array> {
  const base = (await tf.tidy(() => f(x).mul(w).sum()).data())[0];
  const values = await x.data();
  const out = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const bumped = values.slice();
    bumped[i] += 1;
    const xb = tf.tensor4d(bumped, x.shape);
    const v = (await tf.tidy(() => f(xb).mul(w).sum()).data())[0];
    xb.dispose();
    out[i] = v - base;
  }
  return out;
}

describe("AvgPool gradient with 'same' padding", () => {
  for (const stride of [1, 2] as const) {
    it(`matches finite differences at the borders, stride ${stride}`, async () => {
      const rng = createRng(stride);
      const x = tf.tensor4d(Float32Array.from({ length: 2 * 5 * 5 * 3 }, () => rng.normal()), [2, 5, 5, 3]);
      const f = (t: tf.Tensor4D) => tf.avgPool(t, 3, stride, 'same');
      const outShape = f(x).shape;
      const w = tf.tensor(Float32Array.from({ length: outShape.reduce((a, b) => a * b, 1) }, () => rng.normal()), outShape);
      const before = tf.memory().numTensors;
      const grad = tf.grad((t: tf.Tensor) => f(t as tf.Tensor4D).mul(w).sum())(x);
      const analytic = await grad.data();
      grad.dispose();
      expect(tf.memory().numTensors).toBe(before);
      const numeric = await finiteDifference(f, x, w);
      for (let i = 0; i < numeric.length; i++) expect(analytic[i]).toBeCloseTo(numeric[i], 3);
      tf.dispose([x, w]);
    });
  }

  it("leaves 'valid' padding to tfjs's own gradient", async () => {
    const x = tf.randomNormal([1, 4, 4, 2], 0, 1, 'float32', 3) as tf.Tensor4D;
    const g = tf.grad((t: tf.Tensor) => tf.avgPool(t as tf.Tensor4D, 2, 2, "valid").sum())(x);
    expect(Array.from(await g.data()).every((v) => Math.abs(v - 0.25) < 1e-6)).toBe(true);
    tf.dispose([x, g]);
  });
});

import { afterAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { useNodeTrainingBackend } from '../../../../src/cli/node-backend';

afterAll(async () => {
  await tf.setBackend('cpu');
});

/** One conv training step's filter gradient: fails on wasm unless training support is installed. */
async function convFilterGradient(): Promise<Float32Array> {
  const g = tf.tidy(() => {
    const x = tf.ones([1, 5, 5, 2]) as tf.Tensor4D;
    const f = tf.variable(tf.ones([3, 3, 2, 2]));
    const { grads, value } = tf.variableGrads(() => tf.sum(tf.conv2d(x, f as tf.Tensor4D, 2, 'same')), [f]);
    value.dispose();
    f.dispose();
    return grads[f.name];
  });
  const data = (await g.data()) as Float32Array;
  g.dispose();
  return data;
}

describe('useNodeTrainingBackend', () => {
  it('selects wasm by default, with training support installed', async () => {
    expect(await useNodeTrainingBackend()).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    const onWasm = await convFilterGradient();
    expect(await useNodeTrainingBackend('cpu')).toBe('cpu');
    expect(Array.from(onWasm)).toEqual(Array.from(await convFilterGradient()));
  });

  it('runs wasm on one thread: tfjs-backend-wasm has no thread support in Node', async () => {
    expect(await useNodeTrainingBackend('wasm')).toBe('wasm');
    expect(tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT')).toBe(false);
    expect(getThreadsCount()).toBe(1);
  });

  it('is safe to call repeatedly', async () => {
    expect(await useNodeTrainingBackend('wasm')).toBe('wasm');
    expect(await useNodeTrainingBackend('wasm')).toBe('wasm');
  });

  it('falls back to cpu when wasm cannot start', async () => {
    await tf.setBackend('cpu');
    tf.removeBackend('wasm');
    expect(await useNodeTrainingBackend()).toBe('cpu');
  });
});

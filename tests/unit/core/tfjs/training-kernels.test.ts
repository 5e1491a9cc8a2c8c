import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmTrainingKernels, WASM_TRAINING_KERNELS } from '../../../../src/core/tfjs/training-kernels';
import { upsampleZeros } from '../../../../src/core/tfjs/window';
import { createRng } from '../../../../src/core/random';
import { finiteDifferenceGrads, gradsOn, randomValues, relativeError, valuesOf, type Values } from './grad-helpers';

const originalMaxPoolGrad = tf.getKernel('MaxPoolGrad', 'wasm')?.kernelFunc;

beforeAll(async () => {
  registerWasmTrainingKernels();
  await tf.setBackend('wasm');
  await tf.setBackend('cpu');
});

type Pad = 'same' | 'valid';
const CASES: Array<{ stride: number; pad: Pad }> = [
  { stride: 1, pad: 'same' }, { stride: 1, pad: 'valid' }, { stride: 2, pad: 'same' }, { stride: 2, pad: 'valid' },
];

/** A tiny random conv problem: x [n,h,w,ci], filter [fh,fw,ci,co], drawn from `seed`. */
function convProblem(seed: number, depthwise: boolean): { x: Values; filter: Values } {
  const rng = createRng(seed);
  const [n, h, w, ci, co, fh, fw] = [1 + rng.int(2), 4 + rng.int(4), 4 + rng.int(4), 1 + rng.int(3), 1 + rng.int(3), 1 + rng.int(3), 1 + rng.int(3)];
  return { x: randomValues([n, h, w, ci], seed + 1), filter: randomValues([fh, fw, ci, depthwise ? 1 + rng.int(2) : co], seed + 2) };
}

async function expectWasmMatchesCpu(op: (t: tf.Tensor[]) => tf.Tensor, inputs: Values[]): Promise<void> {
  const cpu = await gradsOn('cpu', op, inputs);
  const wasm = await gradsOn('wasm', op, inputs);
  cpu.forEach((expected, i) => expect(relativeError(wasm[i], expected)).toBeLessThan(1e-4));
}

/** Every layer kind the lab trains: fused conv (linear+bias), conv+relu, batchNorm, depthwise, separable, maxPool, dense. */
function smallNet(): tf.Sequential {
  return tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [8, 8, 1], filters: 4, kernelSize: 3, padding: 'same', activation: 'relu' }),
      tf.layers.conv2d({ filters: 6, kernelSize: 3, strides: 2, padding: 'same' }),
      tf.layers.batchNormalization({ momentum: 0.9 }),
      tf.layers.depthwiseConv2d({ kernelSize: 3, padding: 'same', depthMultiplier: 2 }),
      tf.layers.separableConv2d({ filters: 6, kernelSize: 3, padding: 'valid', activation: 'relu' }),
      tf.layers.maxPooling2d({ poolSize: 2, strides: 1 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 3 }),
    ],
  });
}

describe('wasm training kernels', () => {
  it('registers every kernel once, replacing wasm\'s MaxPoolGrad, and is idempotent', () => {
    registerWasmTrainingKernels();
    for (const name of WASM_TRAINING_KERNELS) expect(tf.getKernel(name, 'wasm')).toBeDefined();
    expect(tf.getKernel('MaxPoolGrad', 'wasm')?.kernelFunc).not.toBe(originalMaxPoolGrad);
    // wasm has its own Conv2DBackpropInput, which is kept.
    expect(WASM_TRAINING_KERNELS).toContain('Conv2DBackpropFilter');
  });

  for (const { stride, pad } of CASES) {
    it(`conv2d gradients match cpu (stride ${stride}, ${pad}, random shapes)`, async () => {
      for (const seed of [1, 2, 3]) {
        const { x, filter } = convProblem(seed * 10 + stride, false);
        await expectWasmMatchesCpu(([a, b]) => tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, stride, pad), [x, filter]);
      }
    });

    it(`depthwiseConv2d gradients match cpu (stride ${stride}, ${pad}, multiplier 1–2)`, async () => {
      for (const seed of [4, 5, 6]) {
        const { x, filter } = convProblem(seed * 10 + stride, true);
        await expectWasmMatchesCpu(([a, b]) => tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, stride, pad), [x, filter]);
      }
    });
  }

  // (Dilated stride-1 'same' depthwise, the other case of that path, is checked by finite differences below.)
  it('input gradients of stride-1 \'same\' convs with odd filters (one same conv of dy) match cpu', async () => {
    const x = randomValues([2, 7, 6, 3], 51);
    for (const [fh, fw] of [[3, 3], [5, 5], [1, 3], [3, 1]]) {
      await expectWasmMatchesCpu(([a, b]) => tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, 'same'), [x, randomValues([fh, fw, 3, 2], 52)]);
      await expectWasmMatchesCpu(([a, b]) => tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, 'same'), [x, randomValues([fh, fw, 3, 1], 53)]);
    }
  });

  it('conv2d and depthwise gradients match cpu with explicit padding', async () => {
    const pad: [[number, number], [number, number], [number, number], [number, number]] = [[0, 0], [1, 2], [2, 0], [0, 0]];
    const x = randomValues([2, 7, 6, 2], 31);
    await expectWasmMatchesCpu(([a, b]) => tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, pad), [x, randomValues([3, 2, 2, 3], 32)]);
    await expectWasmMatchesCpu(([a, b]) => tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, pad), [x, randomValues([2, 3, 2, 2], 33)]);
  });

  it('depthwise backprop kernels handle dilation 2 (checked by finite differences)', async () => {
    // [3, 3, 2, 1] with 'same' takes the one-same-conv path of the input gradient.
    for (const [pad, filterShape] of [['same', [3, 2, 2, 2]], ['valid', [3, 2, 2, 2]], ['same', [3, 3, 2, 1]]] as const) {
      const x = randomValues([1, 6, 7, 2], 41);
      const filter = randomValues([...filterShape], 42);
      const forward = ([a, b]: tf.Tensor[]) => tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, pad, 'NHWC', 2);
      const [fdX, fdFilter] = await finiteDifferenceGrads(forward, [x, filter]);
      await tf.setBackend('wasm');
      const [dxData, dfData] = tf.tidy(() => {
        const xt = tf.tensor4d(x.data, x.shape as [number, number, number, number]);
        const ft = tf.tensor4d(filter.data, filter.shape as [number, number, number, number]);
        const y = tf.depthwiseConv2d(xt, ft, 1, pad, 'NHWC', 2);
        const dy = tf.tensor(randomValues(y.shape, 99).data, y.shape);
        const attrs = { strides: 1, pad, dilations: 2 };
        const dx = tf.engine().runKernel('DepthwiseConv2dNativeBackpropInput', { dy, filter: ft }, { ...attrs, inputShape: x.shape }) as tf.Tensor;
        const df = tf.engine().runKernel('DepthwiseConv2dNativeBackpropFilter', { x: xt, dy }, { ...attrs, filterShape: filter.shape }) as tf.Tensor;
        return [dx.dataSync(), df.dataSync()];
      });
      expect(relativeError(dxData, fdX)).toBeLessThan(1e-4);
      expect(relativeError(dfData, fdFilter)).toBeLessThan(1e-4);
    }
  });

  it('maxPool gradients match cpu, including all-negative windows and ties', async () => {
    const negative = valuesOf([2, 6, 6, 3], (i) => -1 - ((i * 37) % 11) / 3);
    const ties = valuesOf([1, 5, 5, 2], (i) => ((i * 7) % 3) - 2);
    for (const [size, stride, pad] of [[2, 2, 'valid'], [2, 2, 'same'], [3, 2, 'same'], [3, 1, 'same'], [2, 1, 'valid']] as const) {
      for (const x of [negative, ties, randomValues([1, 5, 6, 2], 7)]) {
        await expectWasmMatchesCpu(([a]) => tf.maxPool(a as tf.Tensor4D, size, stride, pad), [x]);
      }
    }
  });

  it('slices exactly as cpu for every numeric dtype, rank 1–6, short and long runs, -1 sizes; strings go to wasm\'s own', async () => {
    const rng = createRng(41);
    const cases: Array<{ shape: number[]; begin: number[]; size: number[] }> = [
      { shape: [7], begin: [2], size: [-1] },
      { shape: [64, 15, 15, 11], begin: [0, 1, 1, 0], size: [64, 14, 14, 11] },
      { shape: [3, 5, 200], begin: [1, 2, 10], size: [2, 3, 150] },
      { shape: [4, 6, 6, 3], begin: [1, 0, 0, 0], size: [2, -1, -1, -1] },
      { shape: [2, 3, 4, 5, 6, 2], begin: [1, 0, 1, 2, 3, 0], size: [1, 3, 2, 2, 3, 2] },
      { shape: [5, 4], begin: [0, 4], size: [5, 0] },
    ];
    for (let i = 0; i < 20; i++) {
      const shape = Array.from({ length: 1 + rng.int(5) }, () => 1 + rng.int(6));
      const begin = shape.map((d) => rng.int(d));
      cases.push({ shape, begin, size: shape.map((d, k) => 1 + rng.int(d - begin[k])) });
    }
    for (const dtype of ['float32', 'int32', 'bool'] as const) {
      for (const { shape, begin, size } of cases) {
        const count = shape.reduce((a, b) => a * b, 1);
        const values = Array.from({ length: count }, (_, k) => (dtype === 'bool' ? Number(k % 3 === 0) : dtype === 'int32' ? k * 7 - 50 : k * 0.5 - 3));
        const on = async (backend: string) => {
          await tf.setBackend(backend);
          return tf.tidy(() => tf.slice(tf.tensor(values, shape, dtype), begin, size)).array();
        };
        expect(await on('wasm'), `${dtype} [${shape}] from [${begin}] size [${size}]`).toEqual(await on('cpu'));
      }
    }
    await tf.setBackend('wasm');
    expect(tf.tidy(() => tf.slice(tf.tensor1d(['a', 'b', 'c'], 'string'), [1], [2]).arraySync())).toEqual(['b', 'c']);
    await tf.setBackend('cpu');
  });

  it('pads exactly as cpu for every numeric dtype, rank 1–5, constant values, padded and unpadded trailing dimensions', async () => {
    const rng = createRng(43);
    const cases: Array<{ shape: number[]; paddings: [number, number][] }> = [
      { shape: [5], paddings: [[2, 3]] },
      { shape: [64, 14, 14, 11], paddings: [[0, 0], [2, 2], [2, 2], [0, 0]] },
      { shape: [2, 3, 100], paddings: [[1, 0], [0, 0], [0, 0]] },
      { shape: [3, 4, 5, 2], paddings: [[0, 0], [0, 1], [1, 0], [1, 1]] },
      { shape: [2, 0, 3], paddings: [[1, 1], [1, 0], [0, 2]] },
    ];
    for (let i = 0; i < 20; i++) {
      const shape = Array.from({ length: 1 + rng.int(5) }, () => 1 + rng.int(5));
      cases.push({ shape, paddings: shape.map(() => [rng.int(3), rng.int(3)] as [number, number]) });
    }
    for (const dtype of ['float32', 'int32', 'bool'] as const) {
      for (const [c, { shape, paddings }] of cases.entries()) {
        const count = shape.reduce((a, b) => a * b, 1);
        const values = Array.from({ length: count }, (_, k) => (dtype === 'bool' ? Number(k % 3 === 0) : dtype === 'int32' ? k * 7 - 50 : k * 0.5 - 3));
        const constant = dtype === 'bool' ? c % 2 : c - 4.5 * Number(dtype === 'float32');
        const on = async (backend: string) => {
          await tf.setBackend(backend);
          return tf.tidy(() => tf.pad(tf.tensor(values, shape, dtype), paddings, constant)).array();
        };
        expect(await on('wasm'), `${dtype} [${shape}] by ${JSON.stringify(paddings)}`).toEqual(await on('cpu'));
      }
    }
  });

  it('sums and means as cpu over leading axes (on the heap) and any other axes or dtypes (wasm\'s own), keepDims or not', async () => {
    const x = randomValues([6, 5, 4, 3], 44);
    const ints = valuesOf([4, 3, 2], (i) => i * 3 - 7);
    const wide = randomValues([3, 100], 45);
    const cases: Array<{ v: Values; dtype: 'float32' | 'int32'; axis: number | number[] }> = [
      { v: x, dtype: 'float32', axis: [0, 1, 2] }, { v: x, dtype: 'float32', axis: [2, 0, 1] }, { v: x, dtype: 'float32', axis: 0 },
      { v: x, dtype: 'float32', axis: [0, 1] }, { v: x, dtype: 'float32', axis: [1, 2] }, { v: x, dtype: 'float32', axis: -1 },
      { v: x, dtype: 'float32', axis: [0, 1, 2, 3] }, { v: ints, dtype: 'int32', axis: [0, 1] }, { v: ints, dtype: 'int32', axis: 0 },
      { v: wide, dtype: 'float32', axis: 0 },
    ];
    for (const { v, dtype, axis } of cases) {
      for (const keepDims of [false, true]) {
        for (const op of ['sum', 'mean'] as const) {
          const on = async (backend: string) => {
            await tf.setBackend(backend);
            const t = tf.tidy(() => tf[op](tf.tensor(Array.from(v.data), v.shape, dtype), axis, keepDims));
            const r = { shape: t.shape, dtype: t.dtype, values: Array.from(await t.data()) };
            t.dispose();
            return r;
          };
          const [wasm, cpu] = [await on('wasm'), await on('cpu')];
          const label = `${op} ${dtype} axis ${JSON.stringify(axis)} keepDims ${keepDims}`;
          expect([wasm.shape, wasm.dtype], label).toEqual([cpu.shape, cpu.dtype]);
          wasm.values.forEach((value, i) => expect(value, label).toBeCloseTo(cpu.values[i], 5));
        }
      }
    }
  });

  it('concatenates and splits as cpu along every axis, for every numeric dtype, with empty pieces; string concat goes to wasm\'s own', async () => {
    const shapes = [[2, 3, 4, 5], [64, 7, 7, 8]];
    for (const dtype of ['float32', 'int32', 'bool'] as const) {
      for (const shape of shapes) {
        for (let axis = 0; axis < shape.length; axis++) {
          const make = (extent: number, from: number) => {
            const s = [...shape];
            s[axis] = extent;
            const count = s.reduce((a, b) => a * b, 1);
            return { s, values: Array.from({ length: count }, (_, k) => (dtype === 'bool' ? Number((k + from) % 3 === 0) : from + k * 3 - 20)) };
          };
          const pieces = [make(2, 0), make(0, 5), make(shape[axis], 11), make(1, 17)];
          const on = async (backend: string) => {
            await tf.setBackend(backend);
            return tf.tidy(() => {
              const joined = tf.concat(pieces.map((p) => tf.tensor(p.values, p.s, dtype)), axis);
              return [joined.arraySync(), tf.split(joined, [1, 0, 2 + shape[axis]], axis).map((t) => t.arraySync()), tf.split(joined, 1, axis).map((t) => t.shape)];
            });
          };
          expect(await on('wasm'), `${dtype} [${shape}] axis ${axis}`).toEqual(await on('cpu'));
        }
      }
    }
    await tf.setBackend('wasm');
    expect(tf.tidy(() => tf.concat([tf.tensor1d(['a'], 'string'), tf.tensor1d(['b', 'c'], 'string')]).arraySync())).toEqual(['a', 'b', 'c']);
    await tf.setBackend('cpu');
  });

  it('clones by sharing memory on wasm: a clone outlives its source, a variable assigned from it keeps its value, strings still copy', async () => {
    await tf.setBackend('wasm');
    const before = tf.memory().numBytes;
    const x = tf.tensor2d([[1, 2], [3, 4]]);
    const copy = x.clone();
    expect(copy.dataId).toBe(x.dataId); // one buffer, two tensors
    x.dispose();
    expect(Array.from(await copy.data())).toEqual([1, 2, 3, 4]);
    const zeros = tf.zeros([2, 2]);
    const v = tf.variable(zeros);
    zeros.dispose();
    v.assign(copy);
    copy.dispose();
    const next = tf.tidy(() => v.add(1));
    v.assign(next);
    next.dispose();
    expect(Array.from(await v.data())).toEqual([2, 3, 4, 5]);
    v.dispose();
    expect(tf.memory().numBytes).toBe(before);
    const s = tf.tensor1d(['a', 'b'], 'string');
    const sc = s.clone();
    s.dispose();
    expect(await sc.array()).toEqual(['a', 'b']);
    sc.dispose();
    await tf.setBackend('cpu');
  });

  it('zero-upsamples by the stride', () => {
    const out = tf.tidy(() => upsampleZeros(tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1]), 2, 3).dataSync());
    expect(Array.from(out)).toEqual([1, 0, 0, 2, 0, 0, 0, 0, 3, 0, 0, 4]);
  });

  it('trains a small conv net on wasm: gradients match cpu per variable and the loss falls', async () => {
    await tf.setBackend('cpu');
    const model = smallNet();
    const xs = randomValues([16, 8, 8, 1], 11);
    const labels = Array.from({ length: 16 }, (_, i) => i % 3);
    const lossOf = () => tf.tidy(() => {
      const logits = model.apply(tf.tensor4d(xs.data, [16, 8, 8, 1]), { training: true }) as tf.Tensor;
      return tf.losses.softmaxCrossEntropy(tf.oneHot(labels, 3), logits) as tf.Scalar;
    });
    const perBackend: Float32Array[][] = [];
    for (const backend of ['cpu', 'wasm']) {
      await tf.setBackend(backend);
      const { value, grads } = tf.variableGrads(lossOf);
      perBackend.push(await Promise.all(model.trainableWeights.map(async (w) => (await grads[w.originalName].data()) as Float32Array)));
      tf.dispose([value, ...Object.values(grads)]);
    }
    expect(perBackend[0]).toHaveLength(model.trainableWeights.length);
    perBackend[0].forEach((cpu, i) => expect(relativeError(perBackend[1][i], cpu)).toBeLessThan(1e-4));

    const before = tf.memory().numTensors;
    const optimizer = tf.train.adam(0.01);
    const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const losses: number[] = [];
    for (let step = 0; step < 25; step++) {
      const loss = optimizer.minimize(lossOf, true, vars);
      losses.push((await loss!.data())[0]);
      loss!.dispose();
    }
    optimizer.dispose();
    expect(tf.getBackend()).toBe('wasm');
    expect(losses.at(-1)!).toBeLessThan(0.5 * losses[0]);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('leaves no tensors behind on wasm', async () => {
    await tf.setBackend('wasm');
    const before = tf.memory().numTensors;
    const x = tf.randomNormal([2, 6, 6, 3]) as tf.Tensor4D;
    const f = tf.randomNormal([3, 3, 3, 1]) as tf.Tensor4D;
    const g = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.maxPool(tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, 'same'), 2, 2, 'same')))([x, f]);
    await Promise.all(g.map((t) => t.data()));
    tf.dispose([x, f, ...g]);
    expect(tf.memory().numTensors).toBe(before);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { createCell, edgeCount, edgeEnds, edgeIndex, type CellSpec } from '../../../../src/core/search/cell';
import { PRESETS } from '../../../../src/core/search/presets';
import { LabError } from '../../../../src/core/errors';
import { createRng } from '../../../../src/core/random';
import { randomTensor } from './gradcheck';

let before = 0;
beforeAll(async () => {
  await tf.setBackend('cpu');
  before = tf.memory().numTensors;
});
afterAll(() => expect(tf.memory().numTensors).toBe(before));

const uniformAlpha = (steps: number, ops: number): tf.Tensor2D => tf.fill([edgeCount(steps), ops], 1 / ops) as tf.Tensor2D;

describe('edge layout', () => {
  it('numbers edges node by node, then by source', () => {
    expect(edgeCount(4)).toBe(10);
    expect(edgeEnds(3)).toEqual([{ node: 1, from: 0 }, { node: 2, from: 0 }, { node: 2, from: 1 }, { node: 3, from: 0 }, { node: 3, from: 1 }, { node: 3, from: 2 }]);
    edgeEnds(4).forEach(({ node, from }, i) => expect(edgeIndex(node, from)).toBe(i));
    expect(() => edgeIndex(2, 2)).toThrow(RangeError);
  });
});

describe('supernet cell', () => {
  const cases: [number, number, number, 1 | 2, number, boolean][] = [
    // size, cin, cout, stride, steps, residual
    [6, 3, 8, 1, 2, false],
    [6, 4, 8, 2, 2, true],
    [7, 4, 6, 2, 2, false],
    [7, 5, 10, 2, 3, true],
    [5, 6, 6, 1, 3, true],
    [8, 2, 7, 1, 4, false],
  ];
  it.each(cases)('size %d, Cin %d → Cout %d, stride %d, %d nodes, residual %s: keeps the block contract', (size, cin, cout, stride, steps, residual) => {
    const spec: CellSpec = { inputShape: [size, size, cin], outputChannels: cout, stride, steps, ops: PRESETS.lite.ops, residual };
    const cell = createCell(spec, createRng(1));
    const x = randomTensor([2, size, size, cin], 2) as tf.Tensor4D;
    const alpha = uniformAlpha(steps, spec.ops.length);
    const y = cell.apply(x, alpha, true);
    const side = Math.ceil(size / stride);
    expect(cell.outputShape).toEqual([side, side, cout]);
    expect(y.shape).toEqual([2, side, side, cout]);
    expect(cell.channels).toBe(Math.ceil(cout / steps));
    const inference = cell.apply(x, alpha, false);
    expect(inference.shape).toEqual(y.shape);
    tf.dispose([x, alpha, y, inference]);
    cell.dispose();
  });

  it('sends gradients to α and to every weight', () => {
    const cell = createCell({ inputShape: [5, 5, 3], outputChannels: 6, stride: 2, steps: 2, ops: PRESETS.lite.ops, residual: true }, createRng(4));
    const x = randomTensor([2, 5, 5, 3], 5) as tf.Tensor4D;
    const alphaSm = uniformAlpha(2, PRESETS.lite.ops.length);
    const target = randomTensor([2, 3, 3, 6], 6);
    const { grads, value } = tf.variableGrads(() => tf.sum(cell.apply(x, alphaSm, true).mul(target)), cell.variables);
    expect(Object.keys(grads)).toHaveLength(cell.variables.length);
    const gAlpha = tf.grad((a: tf.Tensor) => tf.sum(cell.apply(x, a as tf.Tensor2D, true).mul(target)))(alphaSm);
    expect(gAlpha.shape).toEqual([3, 5]);
    expect(tf.tidy(() => tf.abs(gAlpha).sum().dataSync()[0])).toBeGreaterThan(0);
    tf.dispose([x, alphaSm, target, value, gAlpha, ...Object.values(grads)]);
    cell.dispose();
  });

  it('paper preset: 10 edges of 8 ops', () => {
    const cell = createCell({ inputShape: [4, 4, 4], outputChannels: 8, stride: 1, steps: 4, ops: PRESETS.paper.ops, residual: false }, createRng(1));
    const x = randomTensor([2, 4, 4, 4], 2) as tf.Tensor4D;
    const alpha = uniformAlpha(4, 8);
    const y = cell.apply(x, alpha, true);
    expect(y.shape).toEqual([2, 4, 4, 8]);
    const wrong = uniformAlpha(3, 8);
    expect(() => cell.apply(x, wrong, true)).toThrow(RangeError);
    tf.dispose([x, alpha, y, wrong]);
    cell.dispose();
  });

  it('rejects impossible specs with a field', () => {
    const base: CellSpec = { inputShape: [4, 4, 4], outputChannels: 8, stride: 1, steps: 2, ops: PRESETS.lite.ops, residual: false };
    for (const [bad, field] of [
      [{ stride: 3 }, 'stride'],
      [{ outputChannels: 0 }, 'outputChannels'],
      [{ ops: ['skip_connect', 'none'] }, 'ops'],
      [{ ops: ['none'] }, 'ops'],
      [{ steps: 0 }, 'steps'],
    ] as const) {
      try {
        createCell({ ...base, ...bad } as CellSpec, createRng(1));
        expect.unreachable();
      } catch (err) {
        expect(err).toBeInstanceOf(LabError);
        expect((err as LabError).field).toBe(field);
      }
    }
  });
});

/**
 * Multiply-accumulates of one forward pass, counted from the kernels tfjs actually runs
 * (tf.profile's op table): Conv2D / FusedConv2D = Ho·Wo·Cout·kh·kw·Cin, DepthwiseConv2dNative =
 * Ho·Wo·C·mult·kh·kw, MatMul / BatchMatMul / _FusedMatMul = |out|·K. Everything else (element-wise,
 * pooling, BN, softmax) is left out: it is memory-bound and small in MACs.
 */
import * as tf from '@tensorflow/tfjs';
import { createCell, edgeCount } from '../src/core/search/cell';
import { createRng } from '../src/core/random';
import { PRESETS, type PresetName } from '../src/core/search/presets';
import type { PreparedBlock } from './workload';

const size = (shape: number[] | undefined): number => (shape ?? []).reduce((p, d) => p * d, 1);

/** MACs of one kernel call from its input/output shapes; 0 for kernels that are not conv/matmul. */
export function kernelMacs(name: string, inputShapes: (number[] | undefined)[], outputShapes: (number[] | undefined)[]): number {
  const out = outputShapes[0];
  const filter = inputShapes[1];
  if (!out || !filter) return 0;
  if (name === 'Conv2D' || name === 'FusedConv2D') return size(out) * filter[0] * filter[1] * filter[2];
  if (name === 'DepthwiseConv2dNative' || name === 'FusedDepthwiseConv2D') return size(out) * filter[0] * filter[1];
  if (name === 'BatchMatMul' || name === 'MatMul' || name === '_FusedMatMul') {
    // MACs = N·M·P·K and a holds N·M·K entries whatever its transpose, so MACs = |a|·P.
    const a = inputShapes[0];
    return a ? size(a) * out[out.length - 1] : 0;
  }
  return 0;
}

/** Forward MACs per sample of the supernet block and of the frozen suffix (batch 1, inference mode). */
export async function supernetMacs(block: PreparedBlock, preset: PresetName): Promise<{ cell: number; suffix: number; prefix: number }> {
  const { steps, ops } = PRESETS[preset];
  const [h, w, c] = block.blockInputShape;
  const cell = createCell({ inputShape: [h, w, c], outputChannels: block.blockOutputShape[2], stride: block.stride, steps, ops, residual: true }, createRng(1));
  const alpha = tf.fill([edgeCount(steps), ops.length], 1 / ops.length) as tf.Tensor2D;
  const count = async (fn: () => tf.Tensor): Promise<number> => {
    const info = await tf.profile(() => fn());
    tf.dispose(info.result);
    return info.kernels.reduce((s, k) => s + kernelMacs(k.name, k.inputShapes, k.outputShapes), 0);
  };
  try {
    const x = tf.zeros([1, h, w, c]) as tf.Tensor4D;
    const y = tf.zeros([1, ...block.blockOutputShape]) as tf.Tensor;
    const raw = tf.zeros([1, ...block.images.weights.shape.slice(1)]);
    const result = {
      cell: await count(() => cell.apply(x, alpha, false)),
      suffix: await count(() => block.suffix(y as tf.Tensor4D)),
      prefix: await count(() => block.split.prefix(raw)),
    };
    tf.dispose([x, y, raw]);
    return result;
  } finally {
    alpha.dispose();
    cell.dispose();
  }
}

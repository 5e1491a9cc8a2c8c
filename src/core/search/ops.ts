import * as tf from '@tensorflow/tfjs';
import { createRng, type Rng } from '../random';
import { batchNorm, conv, depthwise, identity, makeOp, relu, sequence, type Op } from './ops/op';
import { avgPoolSame, maxPoolSame } from './ops/pool';
import { PRIMITIVES, type OpName } from './primitives';

export { PRIMITIVES, isOpName, type OpName } from './primitives';
export type { Op } from './ops/op';

/** Builds one op for `channels` channels in and out; stride 1 keeps H×W, stride 2 gives ⌈H/2⌉×⌈W/2⌉. */
export type OpBuilder = (channels: number, stride: number, affine: boolean, rng?: Rng) => Op;

/** DARTS `Zero`: zeros of the strided output shape (the op that means "no edge"). */
function zero(stride: number): Op {
  return makeOp((x) => {
    const [n, h, w, c] = x.shape;
    return tf.zeros([n, Math.ceil(h / stride), Math.ceil(w / stride), c]);
  });
}

/** 3×3 max or average pooling, 'same' padding (padding never counted, as DARTS' count_include_pad=False). */
function pool(kind: 'max' | 'avg', stride: number): Op {
  return makeOp((x) => (kind === 'max' ? maxPoolSame(x, stride) : avgPoolSame(x, stride)));
}

/**
 * DARTS `FactorizedReduce` (strided skip_connect): ReLU, then two stride-2 1×1 convs, one on x
 * and one on x shifted by one pixel, concatenated, then BN. The shifted copy is zero-padded
 * at the far edge so odd sizes also give ⌈H/2⌉ (DARTS assumes even sizes).
 */
function factorizedReduce(cin: number, cout: number, affine: boolean, rng: Rng): Op {
  const half = Math.floor(cout / 2);
  const pathA = conv(cin, half, 1, 2, rng);
  const pathB = conv(cin, cout - half, 1, 2, rng);
  const norm = batchNorm(cout, affine);
  const apply = (x: tf.Tensor4D, training: boolean): tf.Tensor4D =>
    tf.tidy(() => {
      const r = tf.relu(x);
      const [n, h, w, c] = r.shape;
      const shifted = r.slice([0, 1, 1, 0], [n, h - 1, w - 1, c]).pad([[0, 0], [0, 1], [0, 1], [0, 0]]) as tf.Tensor4D;
      return norm.apply(tf.concat([pathA.apply(r, training), pathB.apply(shifted, training)], 3), training);
    });
  return {
    apply,
    variables: [...pathA.variables, ...pathB.variables, ...norm.variables],
    buffers: norm.buffers,
    dispose: () => [pathA, pathB, norm].forEach((op) => op.dispose()),
  };
}

/** DARTS `SepConv`: (ReLU, depthwise k×k, 1×1, BN) twice; only the first depthwise is strided. */
function sepConv(kernelSize: number): OpBuilder {
  return (c, stride, affine, rng = createRng(0)) =>
    sequence(
      relu(), depthwise(c, kernelSize, stride, 1, rng), conv(c, c, 1, 1, rng), batchNorm(c, affine),
      relu(), depthwise(c, kernelSize, 1, 1, rng), conv(c, c, 1, 1, rng), batchNorm(c, affine),
    );
}

/** DARTS `DilConv`: ReLU, depthwise k×k with dilation 2 (receptive field 2k−1), 1×1, BN. */
function dilConv(kernelSize: number): OpBuilder {
  return (c, stride, affine, rng = createRng(0)) =>
    sequence(relu(), depthwise(c, kernelSize, stride, 2, rng), conv(c, c, 1, 1, rng), batchNorm(c, affine));
}

/** The op table (DARTS operations.py `OPS`), keyed by PRIMITIVES names. */
export const OPS: Record<OpName, OpBuilder> = {
  none: (_c, stride) => zero(stride),
  max_pool_3x3: (_c, stride) => pool('max', stride),
  avg_pool_3x3: (_c, stride) => pool('avg', stride),
  skip_connect: (c, stride, affine, rng = createRng(0)) => (stride === 1 ? identity() : factorizedReduce(c, c, affine, rng)),
  sep_conv_3x3: sepConv(3),
  sep_conv_5x5: sepConv(5),
  dil_conv_3x3: dilConv(3),
  dil_conv_5x5: dilConv(5),
};

/**
 * An op as used inside the search (DARTS model_search `MixedOp`): non-affine BN, and pooling
 * followed by a non-affine BN so its scale is comparable with the convs'.
 */
export function createSearchOp(name: OpName, channels: number, stride: number, rng: Rng): Op {
  const op = OPS[name](channels, stride, false, rng);
  return name.includes('pool') ? sequence(op, batchNorm(channels, false)) : op;
}

/** Column order check: `ops` must be distinct PRIMITIVES in PRIMITIVES order. */
export function isPrimitiveSubset(ops: readonly string[]): boolean {
  const positions = ops.map((op) => (PRIMITIVES as readonly string[]).indexOf(op));
  return positions.length > 0 && positions.every((p, i) => p >= 0 && (i === 0 || p > positions[i - 1]));
}

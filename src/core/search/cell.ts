import * as tf from '@tensorflow/tfjs';
import { LabError } from '../errors';
import type { Rng } from '../random';
import { edgeCount, edgeIndex } from './layout';
import { createMixedOp, type MixedOp } from './mixed-op';
import { batchNorm, conv, identity, relu, sequence, zeroConv1x1, type Op } from './ops/op';
import { isPrimitiveSubset } from './ops';
import type { OpName } from './primitives';

export { edgeCount, edgeIndex, edgeEnds } from './layout';

/** The block contract the supernet keeps, plus the search space inside it. */
export interface CellSpec {
  /** Block input [H, W, Cin] (no batch dimension). */
  inputShape: [number, number, number];
  /** Block output channels Cout. */
  outputChannels: number;
  /** Spatial stride of the block: output is [⌈H/s⌉, ⌈W/s⌉, Cout]. */
  stride: 1 | 2;
  /** Intermediate nodes (DARTS: 4). */
  steps: number;
  /** Candidate ops, distinct and in PRIMITIVES order (α's columns). */
  ops: readonly OpName[];
  /** Add a shortcut from the block input (identity, or strided 1×1 conv + BN when shapes differ). */
  residual: boolean;
  /** End with a ReLU, when the replaced block's output is non-negative (the suffix expects that range). */
  outputRelu?: boolean;
  /**
   * Correction mode (function-preserving repair): the cell always ends in a Conv1×1 with bias
   * whose weights start at zero (ops/op.ts zeroConv1x1), and `apply` adds the original block's output `base` before
   * the final ReLU. At initialisation the cell outputs exactly `base` (ReLU(base) = base for a
   * non-negative block output), so the repaired model starts as the original model. Without
   * `base`, `apply` returns the correction alone (what would be added).
   */
  correction?: boolean;
}

/** The supernet block: [N,H,W,Cin] → [N,⌈H/s⌉,⌈W/s⌉,Cout]; α is passed in, not owned. */
export interface Cell {
  readonly spec: CellSpec;
  /** Channels per node, C = ⌈Cout/steps⌉. */
  readonly channels: number;
  /** Output shape without batch dimension. */
  readonly outputShape: [number, number, number];
  /**
   * `alphaSoftmax` is [edgeCount(steps), ops.length], rows in edgeIndex order. `base` (the
   * original block's output, required in correction mode) is added before the final ReLU.
   */
  apply(x: tf.Tensor4D, alphaSoftmax: tf.Tensor2D, training: boolean, base?: tf.Tensor4D): tf.Tensor4D;
  /** The parts in build order, for weight inheritance by the derived block. */
  readonly parts: CellParts;
  readonly variables: tf.Variable[];
  readonly buffers: tf.Variable[];
  dispose(): void;
}

/** The cell's sub-ops, named by role (derive.ts maps each to Keras layers). */
export interface CellParts {
  preprocess: Op;
  /** Mixed op per edge, in edgeIndex order. */
  edges: MixedOp[];
  /** To Cout: Conv1×1 + BN, or in correction mode a zero-initialised Conv1×1 with bias (always present). */
  project: Op | null;
}

const positiveInt = (v: number): boolean => Number.isInteger(v) && v > 0;

/** Rejects a spec the cell cannot build, naming the field. */
export function validateCellSpec(spec: CellSpec): void {
  const fail = (field: string, message: string, fix: string): never => {
    throw new LabError(`Search cell: ${message}`, { field, fix });
  };
  if (spec.inputShape.length !== 3 || !spec.inputShape.every(positiveInt)) fail('inputShape', `input shape must be [H, W, C] with positive sizes, got [${spec.inputShape}].`, 'Search a convolutional block (4-D activations).');
  if (!positiveInt(spec.outputChannels)) fail('outputChannels', `output channels must be a positive integer, got ${spec.outputChannels}.`, 'Use the block output shape.');
  if (spec.stride !== 1 && spec.stride !== 2) fail('stride', `stride must be 1 or 2, got ${spec.stride}.`, 'Search a block that keeps or halves the resolution.');
  if (!positiveInt(spec.steps) || spec.steps > 8) fail('steps', `steps must be 1 to 8, got ${spec.steps}.`, 'Use 4 (paper) or 2–3 (lite).');
  if (!isPrimitiveSubset(spec.ops)) fail('ops', `ops must be distinct DARTS primitives in PRIMITIVES order, got [${spec.ops}].`, 'Use a preset op list.');
  if (spec.ops.every((op) => op === 'none')) fail('ops', 'ops need at least one op other than none.', 'Add e.g. skip_connect.');
}

/** Builds the supernet block (DARTS model_search `Cell` with one input node). */
export function createCell(spec: CellSpec, rng: Rng): Cell {
  validateCellSpec(spec);
  const [h, w, cin] = spec.inputShape;
  const { steps, stride, outputChannels: cout } = spec;
  const channels = Math.ceil(cout / steps);
  const preprocess = sequence(relu(), conv(cin, channels, 1, 1, rng), batchNorm(channels, false));
  const edges: MixedOp[] = [];
  for (let node = 1; node <= steps; node++) {
    for (let from = 0; from < node; from++) edges.push(createMixedOp(spec.ops, channels, from === 0 ? stride : 1, rng));
  }
  const correction = spec.correction === true;
  const needsProject = correction || steps * channels !== cout;
  const project: Op | null = correction ? zeroConv1x1(steps * channels, cout) : needsProject ? sequence(conv(steps * channels, cout, 1, 1, rng), batchNorm(cout, false)) : null;
  let shortcut: Op | null = null;
  if (spec.residual && !correction) shortcut = cin === cout && stride === 1 ? identity() : sequence(conv(cin, cout, 1, stride, rng), batchNorm(cout, false));
  const parts: { variables: tf.Variable[]; buffers: tf.Variable[]; dispose(): void }[] = [preprocess, ...edges, ...(project ? [project] : []), ...(shortcut ? [shortcut] : [])];

  const apply = (x: tf.Tensor4D, alphaSoftmax: tf.Tensor2D, training: boolean, base?: tf.Tensor4D): tf.Tensor4D =>
    tf.tidy(() => {
      if (alphaSoftmax.shape[0] !== edgeCount(steps) || alphaSoftmax.shape[1] !== spec.ops.length) {
        throw new RangeError(`alphaSoftmax must be [${edgeCount(steps)}, ${spec.ops.length}], got [${alphaSoftmax.shape}].`);
      }
      const rows = tf.unstack(alphaSoftmax) as tf.Tensor1D[];
      const nodes: tf.Tensor4D[] = [preprocess.apply(x, training)];
      for (let node = 1; node <= steps; node++) {
        const inputs = nodes.map((state, from) => edges[edgeIndex(node, from)].apply(state, rows[edgeIndex(node, from)], training));
        nodes.push(inputs.length === 1 ? inputs[0] : (tf.addN(inputs) as tf.Tensor4D));
      }
      let out = tf.concat(nodes.slice(1), 3) as tf.Tensor4D;
      if (project) out = project.apply(out, training);
      if (shortcut) out = out.add(shortcut.apply(x, training));
      if (correction && !base) return out;
      if (correction && base) out = out.add(base);
      return spec.outputRelu ? tf.relu(out) : out;
    });

  return {
    spec,
    channels,
    outputShape: [Math.ceil(h / stride), Math.ceil(w / stride), cout],
    apply,
    parts: { preprocess, edges, project },
    variables: parts.flatMap((p) => p.variables),
    buffers: parts.flatMap((p) => p.buffers),
    dispose: () => parts.forEach((p) => p.dispose()),
  };
}

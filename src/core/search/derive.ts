import * as tf from '@tensorflow/tfjs';
import { LabError } from '../errors';
import type { Genotype } from '../types';
import { samePadding } from './ops/pool';
import type { Op } from './ops/op';
import type { CellParts } from './cell';
import { edgeIndex } from './layout';
import { isOpName, type OpName } from './primitives';

/** The block contract the derived block must keep, and how to build it. */
export interface DerivedBlockSpec {
  /** Block input [H, W, Cin]. */
  inputShape: [number, number, number];
  /** Block output [⌈H/s⌉, ⌈W/s⌉, Cout]. */
  outputShape: [number, number, number];
  stride: 1 | 2;
  steps: number;
  residual: boolean;
  /** End with a ReLU (mirrors CellSpec.outputRelu). */
  outputRelu?: boolean;
  /** Prefix of every layer name (names must be unique in the spliced model). */
  namePrefix?: string;
  /** Seeds the He-normal kernel initialisers. */
  seed?: number;
  /**
   * Correction mode (CellSpec.correction): the block computes `base(input)` (the original
   * block, rebuilt from Keras layers) plus the cell's correction (a zero-initialised Conv1×1 with bias), then the optional
   * ReLU; `residual` is then ignored (the original block is the shortcut).
   */
  base?: (input: Sym) => Sym;
  /** Receives the correction tensor (before it is added to `base`), e.g. to expose it as an output. */
  onCorrection?: (correction: Sym) => void;
  /**
   * Correction mode with inheritance: the correction's Conv1×1 starts at zero again instead of
   * the supernet's, so the derived model computes exactly the original before the fine-tune
   * (only the cell's inner layers carry what the search learnt). The repair restarts it: on the
   * development drifts the inherited projection carried the search's over-fitted correction into
   * every candidate (DESIGN §4).
   */
  restartCorrection?: boolean;
  /**
   * Parameter inheritance: the supernet the genotype came from and its α column order. Every
   * derived layer then starts with the weights (and BN running statistics) of the same op on the
   * same edge of the supernet instead of a fresh initialisation.
   */
  inherit?: { parts: CellParts; ops: readonly OpName[]; alphaSoftmax?: readonly (readonly number[])[] };
}

/**
 * Weights of one search op as used by inheritance: trainable variables and BN buffers in build
 * order, and the op's softmax(α) weight on its edge (folded into its last BN, so the derived op
 * contributes what it contributed to the mixed op).
 */
type OpSource = Pick<Op, 'variables' | 'buffers'> & { weight?: number };

/** Keras BN weights [γ, β, moving mean, moving variance] from a search BN's buffers (and γ, β when affine), scaled by `scale`. */
function bnWeights(buffers: readonly tf.Tensor[], affine: readonly tf.Tensor[] = [], scale = 1): tf.Tensor[] {
  const [mean, variance] = buffers;
  const [gamma, beta] = affine.length === 2 ? affine : [tf.onesLike(mean), tf.zerosLike(mean)];
  return [gamma.mul(scale), beta.mul(scale), mean, variance];
}

type Sym = tf.SymbolicTensor;
type Layer = { apply(x: Sym | Sym[]): Sym | Sym[] | tf.Tensor | tf.Tensor[] };

/** Rejects a genotype that does not fit the spec, with the field. */
export function validateDerivation(genotype: Genotype, spec: DerivedBlockSpec): void {
  const fail = (field: string, message: string, fix: string): never => {
    throw new LabError(`Derived block: ${message}`, { field, fix });
  };
  const [h, w] = spec.inputShape;
  const [oh, ow] = spec.outputShape;
  if (spec.stride !== 1 && spec.stride !== 2) fail('stride', `stride must be 1 or 2, got ${spec.stride}.`, 'Use the searched block stride.');
  if (oh !== Math.ceil(h / spec.stride) || ow !== Math.ceil(w / spec.stride)) fail('outputShape', `output ${oh}×${ow} is not ⌈${h}/${spec.stride}⌉×⌈${w}/${spec.stride}⌉.`, 'Use the block shapes from the block graph.');
  if (genotype.steps !== spec.steps) fail('steps', `genotype has ${genotype.steps} nodes, spec has ${spec.steps}.`, 'Derive with the search preset node count.');
  for (const edge of genotype.edges) {
    if (!isOpName(edge.op) || edge.op === 'none') fail('genotype', `edge into node ${edge.node} has op '${edge.op}'.`, 'Parse the genotype with parseGenotype.');
    if (edge.node < 1 || edge.node > spec.steps || edge.from < 0 || edge.from >= edge.node) fail('genotype', `edge ${edge.from}→${edge.node} is outside the cell.`, 'Parse the genotype with parseGenotype.');
  }
  for (let node = 1; node <= spec.steps; node++) {
    if (!genotype.edges.some((e) => e.node === node)) fail('genotype', `node ${node} has no incoming edge.`, 'Parse the genotype with parseGenotype.');
  }
  if (genotype.concat.some((n) => n < 1 || n > spec.steps)) fail('genotype', `concat [${genotype.concat}] names a node outside 1..${spec.steps}.`, 'Parse the genotype with parseGenotype.');
}

/**
 * Builds the discrete block of `genotype` from standard Keras layers only (so the model saves
 * and loads with plain tf.loadLayersModel): ReLU-Conv1×1-BN preprocessing to C = ⌈Cout/steps⌉,
 * each node the Add of its kept edges' ops (stride on edges from node 0), Concatenate of the
 * `concat` nodes, Conv1×1-BN to Cout when needed, optional residual shortcut. BN is affine,
 * momentum 0.9 (DARTS model.py reuses its OPS with affine BN the same way).
 */
export function buildDerivedBlock(genotype: Genotype, spec: DerivedBlockSpec): (input: Sym) => Sym {
  validateDerivation(genotype, spec);
  return (input) => {
    const prefix = spec.namePrefix ?? 'archrepair';
    let count = 0;
    let seed = spec.seed ?? 0;
    const name = (kind: string) => `${prefix}_${++count}_${kind}`;
    const init = () => tf.initializers.heNormal({ seed: seed++ });
    /** Applies `layer`; with `weights`, the (now built) layer takes them (inheritance). */
    const call = (layer: Layer & { setWeights?: (w: tf.Tensor[]) => void }, x: Sym | Sym[], weights?: () => tf.Tensor[]): Sym => {
      const out = layer.apply(x) as Sym;
      if (weights) tf.tidy(() => layer.setWeights!(weights()));
      return out;
    };
    const relu = (x: Sym) => call(tf.layers.activation({ activation: 'relu', name: name('relu') }), x);
    const bn = (x: Sym, weights?: () => tf.Tensor[]) => call(tf.layers.batchNormalization({ momentum: 0.9, epsilon: 1e-5, name: name('bn') }), x, weights);
    const conv1x1 = (x: Sym, filters: number, strides: number, kernel?: tf.Tensor) =>
      call(tf.layers.conv2d({ filters, kernelSize: 1, strides, padding: 'same', useBias: false, kernelInitializer: init(), name: name('conv') }), x, kernel && (() => [kernel]));

    const [h, w, cin] = spec.inputShape;
    const cout = spec.outputShape[2];
    const channels = Math.ceil(cout / spec.steps);
    const inherited = spec.inherit;

    const separable = (y: Sym, k: number, stride: number, dilation: number, padding: 'same' | 'valid', src: OpSource | undefined, at: number) =>
      call(
        tf.layers.separableConv2d({ filters: channels, kernelSize: k, strides: stride, dilationRate: dilation, padding, useBias: false, depthwiseInitializer: init(), pointwiseInitializer: init(), name: name(dilation > 1 ? `dil${k}` : `sep${k}`) }),
        y,
        src && (() => [src.variables[at], src.variables[at + 1]]),
      );
    const sepConv = (x: Sym, k: number, s: number, src?: OpSource): Sym => {
      const half = (y: Sym, stride: number, at: number) => bn(separable(relu(y), k, stride, 1, 'same', src, 2 * at), src && (() => bnWeights(src.buffers.slice(2 * at, 2 * at + 2), [], at === 1 ? src.weight : 1)));
      return half(half(x, s, 0), 1, 1);
    };
    // DARTS DilConv (ReLU, dilated depthwise, 1×1, BN) is a SeparableConv2D with dilation 2.
    // Not DepthwiseConv2D: tfjs-layers 4.22 silently ignores its dilationRate. tfjs refuses
    // stride > 1 with dilation > 1, so for stride 2 pad as 'same' would for the strided
    // output, convolve 'valid' at stride 1, then keep every second pixel (1×1 pool, stride 2).
    const dilConv = (x: Sym, k: number, s: number, src?: OpSource): Sym => {
      const r = relu(x);
      const norm = (y: Sym) => bn(y, src && (() => bnWeights(src.buffers, [], src.weight)));
      if (s === 1) return norm(separable(r, k, 1, 2, 'same', src, 0));
      const effective = 2 * k - 1;
      const padded = call(tf.layers.zeroPadding2d({ padding: [samePadding(h, effective, s), samePadding(w, effective, s)], name: name('pad') }), r);
      return norm(call(tf.layers.averagePooling2d({ poolSize: 1, strides: s, padding: 'valid', name: name('subsample') }), separable(padded, k, 1, 2, 'valid', src, 0)));
    };
    const factorizedReduce = (x: Sym, src?: OpSource): Sym => {
      const r = relu(x);
      const shifted = call(tf.layers.zeroPadding2d({ padding: [[0, 1], [0, 1]], name: name('pad') }), call(tf.layers.cropping2D({ cropping: [[1, 0], [1, 0]], name: name('crop') }), r));
      const half = Math.floor(channels / 2);
      const joined = call(tf.layers.concatenate({ name: name('concat') }), [conv1x1(r, half, 2, src?.variables[0]), conv1x1(shifted, channels - half, 2, src?.variables[1])]);
      return bn(joined, src && (() => bnWeights(src.buffers, [], src.weight)));
    };
    // Pooling is followed by a BN, as in the search op (ops.ts createSearchOp), so both agree.
    const pool = (kind: 'max' | 'avg', x: Sym, s: number, src?: OpSource): Sym => {
      const settings = { poolSize: 3, strides: s, padding: 'same' as const, name: name(`${kind}pool`) };
      const pooled = call(kind === 'max' ? tf.layers.maxPooling2d(settings) : tf.layers.averagePooling2d(settings), x);
      return bn(pooled, src && (() => bnWeights(src.buffers, [], src.weight)));
    };
    const op = (opName: OpName, x: Sym, s: number, src?: OpSource): Sym => {
      switch (opName) {
        case 'max_pool_3x3':
          return pool('max', x, s, src);
        case 'avg_pool_3x3':
          return pool('avg', x, s, src);
        case 'skip_connect':
          // Its own (linear) layer, not x itself: two skips from one node would hand one layer the
          // same tensor twice, and tfjs-layers' executor then disposes it before its second use.
          return s === 1 ? call(tf.layers.activation({ activation: 'linear', name: name('skip') }), x) : factorizedReduce(x, src);
        case 'sep_conv_3x3':
          return sepConv(x, 3, s, src);
        case 'sep_conv_5x5':
          return sepConv(x, 5, s, src);
        case 'dil_conv_3x3':
          return dilConv(x, 3, s, src);
        case 'dil_conv_5x5':
          return dilConv(x, 5, s, src);
        case 'none':
          throw new LabError('Derived block: none is not an op of a derived cell.', { field: 'genotype', fix: 'Parse the genotype with parseGenotype.' });
      }
    };
    const edgeSource = (node: number, from: number, opName: OpName): OpSource | undefined => {
      if (!inherited) return undefined;
      const column = inherited.ops.indexOf(opName);
      const candidate = inherited.parts.edges[edgeIndex(node, from)]?.candidates[column];
      if (!candidate) throw new LabError(`Derived block: the supernet has no ${opName} on edge ${from}→${node}.`, { field: 'inherit', fix: 'Inherit from the supernet the genotype was parsed from.' });
      return { variables: candidate.variables, buffers: candidate.buffers, weight: inherited.alphaSoftmax?.[edgeIndex(node, from)]?.[column] ?? 1 };
    };

    const pre = inherited?.parts.preprocess;
    const nodes: Sym[] = [bn(conv1x1(relu(input), channels, 1, pre?.variables[0]), pre && (() => bnWeights(pre.buffers)))];
    for (let node = 1; node <= spec.steps; node++) {
      const inputs = genotype.edges.filter((e) => e.node === node).map((e) => op(e.op as OpName, nodes[e.from], e.from === 0 ? spec.stride : 1, edgeSource(node, e.from, e.op as OpName)));
      nodes.push(inputs.length === 1 ? inputs[0] : call(tf.layers.add({ name: name('add') }), inputs));
    }
    const kept = genotype.concat.map((n) => nodes[n]);
    let out = kept.length === 1 ? kept[0] : call(tf.layers.concatenate({ name: name('concat') }), kept);
    if (spec.base) {
      const project = inherited?.parts.project ?? undefined;
      const zeros = () => [tf.zeros([1, 1, kept.length * channels, cout]), tf.zeros([cout])];
      const corrected = call(tf.layers.conv2d({ filters: cout, kernelSize: 1, padding: 'same', useBias: true, name: name('correction') }), out, () => (project && !spec.restartCorrection ? [project.variables[0], project.variables[1]] : zeros()));
      spec.onCorrection?.(corrected);
      out = call(tf.layers.add({ name: name('add') }), [spec.base(input), corrected]);
    } else {
      if (kept.length * channels !== cout) {
        const project = inherited?.parts.project ?? undefined;
        out = bn(conv1x1(out, cout, 1, project?.variables[0]), project && (() => bnWeights(project.buffers)));
      }
      if (spec.residual) {
        const shortcut = cin === cout && spec.stride === 1 ? input : bn(conv1x1(input, cout, spec.stride));
        out = call(tf.layers.add({ name: name('add') }), [out, shortcut]);
      }
    }
    if (spec.outputRelu) out = call(tf.layers.activation({ activation: 'relu', name: name('out_relu') }), out);
    return out;
  };
}

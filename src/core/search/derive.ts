import * as tf from '@tensorflow/tfjs';
import { LabError } from '../errors';
import type { Genotype } from '../types';
import { samePadding } from './ops/pool';
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
    const call = (layer: Layer, x: Sym | Sym[]): Sym => layer.apply(x) as Sym;
    const relu = (x: Sym) => call(tf.layers.activation({ activation: 'relu', name: name('relu') }), x);
    const bn = (x: Sym) => call(tf.layers.batchNormalization({ momentum: 0.9, epsilon: 1e-5, name: name('bn') }), x);
    const conv1x1 = (x: Sym, filters: number, strides: number) =>
      call(tf.layers.conv2d({ filters, kernelSize: 1, strides, padding: 'same', useBias: false, kernelInitializer: init(), name: name('conv') }), x);

    const [h, w, cin] = spec.inputShape;
    const cout = spec.outputShape[2];
    const channels = Math.ceil(cout / spec.steps);

    const sepConv = (x: Sym, k: number, s: number): Sym => {
      const half = (y: Sym, stride: number) =>
        bn(call(tf.layers.separableConv2d({ filters: channels, kernelSize: k, strides: stride, padding: 'same', useBias: false, depthwiseInitializer: init(), pointwiseInitializer: init(), name: name(`sep${k}`) }), relu(y)));
      return half(half(x, s), 1);
    };
    // DARTS DilConv (ReLU, dilated depthwise, 1×1, BN) is a SeparableConv2D with dilation 2.
    // Not DepthwiseConv2D: tfjs-layers 4.22 silently ignores its dilationRate. tfjs refuses
    // stride > 1 with dilation > 1, so for stride 2 pad as 'same' would for the strided
    // output, convolve 'valid' at stride 1, then keep every second pixel (1×1 pool, stride 2).
    const dilConv = (x: Sym, k: number, s: number): Sym => {
      const r = relu(x);
      const separable = (y: Sym, padding: 'same' | 'valid') =>
        call(tf.layers.separableConv2d({ filters: channels, kernelSize: k, dilationRate: 2, padding, useBias: false, depthwiseInitializer: init(), pointwiseInitializer: init(), name: name(`dil${k}`) }), y);
      if (s === 1) return bn(separable(r, 'same'));
      const effective = 2 * k - 1;
      const padded = call(tf.layers.zeroPadding2d({ padding: [samePadding(h, effective, s), samePadding(w, effective, s)], name: name('pad') }), r);
      return bn(call(tf.layers.averagePooling2d({ poolSize: 1, strides: s, padding: 'valid', name: name('subsample') }), separable(padded, 'valid')));
    };
    const factorizedReduce = (x: Sym): Sym => {
      const r = relu(x);
      const shifted = call(tf.layers.zeroPadding2d({ padding: [[0, 1], [0, 1]], name: name('pad') }), call(tf.layers.cropping2D({ cropping: [[1, 0], [1, 0]], name: name('crop') }), r));
      const half = Math.floor(channels / 2);
      return bn(call(tf.layers.concatenate({ name: name('concat') }), [conv1x1(r, half, 2), conv1x1(shifted, channels - half, 2)]));
    };
    const op = (opName: OpName, x: Sym, s: number): Sym => {
      switch (opName) {
        case 'max_pool_3x3':
          return call(tf.layers.maxPooling2d({ poolSize: 3, strides: s, padding: 'same', name: name('maxpool') }), x);
        case 'avg_pool_3x3':
          return call(tf.layers.averagePooling2d({ poolSize: 3, strides: s, padding: 'same', name: name('avgpool') }), x);
        case 'skip_connect':
          return s === 1 ? x : factorizedReduce(x);
        case 'sep_conv_3x3':
          return sepConv(x, 3, s);
        case 'sep_conv_5x5':
          return sepConv(x, 5, s);
        case 'dil_conv_3x3':
          return dilConv(x, 3, s);
        case 'dil_conv_5x5':
          return dilConv(x, 5, s);
        case 'none':
          throw new LabError('Derived block: none is not an op of a derived cell.', { field: 'genotype', fix: 'Parse the genotype with parseGenotype.' });
      }
    };

    const nodes: Sym[] = [bn(conv1x1(relu(input), channels, 1))];
    for (let node = 1; node <= spec.steps; node++) {
      const inputs = genotype.edges.filter((e) => e.node === node).map((e) => op(e.op as OpName, nodes[e.from], e.from === 0 ? spec.stride : 1));
      nodes.push(inputs.length === 1 ? inputs[0] : call(tf.layers.add({ name: name('add') }), inputs));
    }
    const kept = genotype.concat.map((n) => nodes[n]);
    let out = kept.length === 1 ? kept[0] : call(tf.layers.concatenate({ name: name('concat') }), kept);
    if (kept.length * channels !== cout) out = bn(conv1x1(out, cout, 1));
    if (spec.residual) {
      const shortcut = cin === cout && spec.stride === 1 ? input : bn(conv1x1(input, cout, spec.stride));
      out = call(tf.layers.add({ name: name('add') }), [out, shortcut]);
    }
    if (spec.outputRelu) out = call(tf.layers.activation({ activation: 'relu', name: name('out_relu') }), out);
    return out;
  };
}

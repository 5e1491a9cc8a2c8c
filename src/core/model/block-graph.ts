/**
 * Topology → BlockGraph (DESIGN §2). The flat layer DAG is cut at articulation tensors; the
 * pieces between cuts are single layers (chains) or modules (residual units, inception
 * modules, DenseNet steps). Chains are grouped into conv units conv[-bn]-act[-pool][-dropout]
 * (a depthwise conv and the 1×1 conv after it form one unit), consecutive DenseNet steps into
 * one dense block, and everything from the first rank-reducing layer (Flatten, global pooling)
 * on is the head. Pure: no tfjs.
 */
import { LabError } from '../errors';
import type { BlockGraph, LayerInfo } from '../types';
import { assignBlocks, blocksFromRanges, cutFlags, mergeSharedUses } from './cuts';
import { flattenTopology, type FlatModel } from './flatten';
import { WEIGHTED_MAIN_CLASSES } from './layer-math';
import type { Json } from './topology';

/** A piece between consecutive cuts: positions [start, end] in the flat layer order. */
interface Segment {
  start: number;
  end: number;
  isModule: boolean;
  /** DenseNet step: a module whose output concatenates its own input. */
  isDenseStep: boolean;
}

/** BlockGraph of a Keras topology JSON (`modelTopology` of model.json). */
export function blockGraphFromTopology(modelTopology: Json, modelName?: string): BlockGraph {
  return buildBlockGraph(flattenTopology(modelTopology), modelName);
}

/** BlockGraph of a flattened model with one image input and one class-score output. */
export function buildBlockGraph(flat: FlatModel, modelName = flat.name): BlockGraph {
  if (flat.inputs.length !== 1) throw new LabError(`The model has ${flat.inputs.length} inputs; blocks need exactly one.`, { file: 'model.json', field: 'modelTopology.config.input_layers', fix: 'Use a model with a single image input.' });
  const layers: LayerInfo[] = flat.layers.map((l) => ({ name: l.name, className: l.className, inbound: [...l.inbound], outputShape: [...l.outputShape], params: l.params, macs: l.macs, block: -1, ...(l.sharedLayer ? { sharedLayer: l.sharedLayer } : {}) }));
  const segments = segmentsOf(layers);
  const headStart = headSegment(layers, segments);
  // All uses of a shared layer stay in one block.
  const ranges = mergeSharedUses(layers, [...groupBody(layers, segments.slice(0, headStart), pointwiseConvs(flat)), ...headRange(segments.slice(headStart))]);
  // A body without any weighted layer cannot stand alone: fold it into the head.
  if (ranges.length > 1 && !hasWeights(layers, ranges[0])) ranges.splice(0, 2, [ranges[0][0], ranges[1][1]]);
  const blocks = blocksFromRanges(layers, ranges);
  const output = layers[layers.length - 1];
  return { modelName, inputShape: [...layers[0].outputShape], numClasses: output.outputShape[output.outputShape.length - 1], layers: assignBlocks(layers, blocks), blocks };
}

function segmentsOf(layers: readonly LayerInfo[]): Segment[] {
  const flags = cutFlags(layers);
  const segments: Segment[] = [];
  let start = 1;
  for (let p = 1; p < layers.length; p++) {
    if (!flags[p]) continue;
    const last = layers[p];
    const isModule = p > start;
    segments.push({ start, end: p, isModule, isDenseStep: isModule && last.className === 'Concatenate' && last.inbound.includes(layers[start - 1].name) });
    start = p + 1;
  }
  return segments;
}

/** Index of the first segment that turns an image tensor into a vector; the last one if none does. */
function headSegment(layers: readonly LayerInfo[], segments: readonly Segment[]): number {
  const i = segments.findIndex((s) => layers[s.start - 1].outputShape.length > 1 && layers.slice(s.start, s.end + 1).some((l) => l.outputShape.length === 1));
  return i >= 0 ? i : segments.length - 1;
}

function headRange(segments: readonly Segment[]): [number, number][] {
  return segments.length === 0 ? [] : [[segments[0].start, segments[segments.length - 1].end]];
}

const hasWeights = (layers: readonly LayerInfo[], [s, e]: [number, number]): boolean => layers.slice(s, e + 1).some((l) => l.params > 0);

/** Groups body segments into blocks; each new weighted unit or module opens a block. */
function groupBody(layers: readonly LayerInfo[], segments: readonly Segment[], pointwise: ReadonlySet<string>): [number, number][] {
  const ranges: [number, number][] = [];
  let current: { start: number; end: number; mains: string[]; hasModule: boolean; lastDenseStep: boolean } | null = null;
  for (const seg of segments) {
    const first = layers[seg.start];
    const isMain = !seg.isModule && WEIGHTED_MAIN_CLASSES.has(first.className);
    const opens = seg.isModule || isMain;
    const continues =
      current !== null &&
      ((current.mains.length === 0 && !current.hasModule) ||
        (seg.isDenseStep && current.lastDenseStep) ||
        // MobileNet-style: a DepthwiseConv2D unit continues with the 1×1 Conv2D after it.
        (isMain && current.mains.length === 1 && current.mains[0] === 'DepthwiseConv2D' && pointwise.has(first.name)) ||
        !opens);
    if (current === null || !continues) {
      if (current) ranges.push([current.start, current.end]);
      current = { start: seg.start, end: seg.end, mains: [], hasModule: false, lastDenseStep: false };
    }
    current.end = seg.end;
    if (isMain) current.mains.push(first.className);
    if (seg.isModule) current.hasModule = true;
    if (opens) current.lastDenseStep = seg.isDenseStep;
  }
  if (current) ranges.push([current.start, current.end]);
  return ranges;
}

/** Flat names of 1×1 Conv2D layers (the pointwise half of a depthwise-separable unit). */
function pointwiseConvs(flat: FlatModel): Set<string> {
  const isOne = (k: unknown): boolean => k === 1 || (Array.isArray(k) && k.length === 2 && k[0] === 1 && k[1] === 1);
  return new Set(flat.layers.filter((l) => l.className === 'Conv2D' && isOne(l.config['kernel_size'])).map((l) => l.name));
}

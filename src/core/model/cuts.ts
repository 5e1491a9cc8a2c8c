/**
 * Articulation tensors of a single-input, single-output layer DAG, and blocks as contiguous
 * ranges between them. Pure: works on plain `{name, inbound}` lists in topological order.
 */
import type { Block, BlockKind, LayerInfo } from '../types';
import { LabError } from '../errors';
import { WEIGHTED_MAIN_CLASSES } from './layer-math';

export interface DagNode {
  name: string;
  inbound: string[];
}

/**
 * `isCut[p]` is true when every input→output path passes through the output of layer `p`.
 * With all layers on some input→output path (dead layers pruned), that holds exactly when no
 * edge jumps over position `p` in the topological order.
 */
export function cutFlags(layers: readonly DagNode[]): boolean[] {
  const pos = new Map(layers.map((l, i) => [l.name, i]));
  // reach[a] = furthest position fed by layer a.
  const reach = layers.map((_, i) => i);
  layers.forEach((l, b) => {
    for (const src of l.inbound) {
      const a = pos.get(src);
      if (a !== undefined) reach[a] = Math.max(reach[a], b);
    }
  });
  const flags: boolean[] = [];
  let furthest = 0;
  for (let p = 0; p < layers.length; p++) {
    flags.push(furthest <= p);
    furthest = Math.max(furthest, reach[p]);
  }
  return flags;
}

/** The block kind implied by a range's layers: head > residual > module > conv-unit > other. */
export function rangeKind(layers: readonly LayerInfo[], inputShape: readonly number[]): BlockKind {
  let prevRank = inputShape.length;
  let isHead = inputShape.length === 1;
  for (const l of layers) {
    if (prevRank > 1 && l.outputShape.length === 1) isHead = true;
    prevRank = l.outputShape.length;
  }
  if (isHead) return 'head';
  if (layers.some((l) => l.className === 'Add' && l.inbound.length > 1)) return 'residual';
  if (layers.some((l) => l.className === 'Concatenate')) return 'module';
  if (layers.some((l) => WEIGHTED_MAIN_CLASSES.has(l.className))) return 'conv-unit';
  return 'other';
}

/** True for a DenseNet-style block: a chain of concatenations, each onto the previous one, starting at the block input. */
function isDenseBlock(layers: readonly LayerInfo[], inputLayer: string): boolean {
  const concats = new Map(layers.filter((l) => l.className === 'Concatenate').map((l) => [l.name, l]));
  let current = concats.get(layers[layers.length - 1].name);
  while (current) {
    if (current.inbound.includes(inputLayer)) return true;
    current = current.inbound.map((n) => concats.get(n)).find((l) => l !== undefined);
  }
  return false;
}

const FAMILY: Record<BlockKind, string> = { 'conv-unit': 'conv unit', residual: 'residual', module: 'module', head: 'head', other: 'block' };

/**
 * Blocks from ranges `[start, end]` of positions in `layers` (topological order, layer 0 the
 * input). Ranges must tile positions 1..n-1 in order. Names are numbered per family.
 */
export function blocksFromRanges(layers: readonly LayerInfo[], ranges: readonly [number, number][]): Block[] {
  const counters = new Map<string, number>();
  const heads = ranges.filter(([s, e]) => rangeKind(layers.slice(s, e + 1), layers[s - 1].outputShape) === 'head').length;
  return ranges.map(([start, end], index) => {
    const members = layers.slice(start, end + 1);
    const input = layers[start - 1];
    const output = layers[end];
    const kind = rangeKind(members, input.outputShape);
    const family = kind === 'module' && isDenseBlock(members, input.name) ? 'dense block' : FAMILY[kind];
    const count = (counters.get(family) ?? 0) + 1;
    counters.set(family, count);
    const name = kind === 'head' && heads === 1 ? 'head' : `${family} ${count}`;
    const reason = sharedReason(members);
    return {
      index,
      name,
      kind,
      layers: members.map((l) => l.name),
      inputLayer: input.name,
      outputLayer: output.name,
      inputShape: [...input.outputShape],
      outputShape: [...output.outputShape],
      stride: strideOf(input.outputShape, output.outputShape),
      params: members.reduce((s, l) => s + l.params, 0),
      macs: members.reduce((s, l) => s + l.macs, 0),
      ...(reason ? { unsearchableReason: reason } : {}),
    };
  });
}

/** Spatial downsampling between two NHWC shapes; 1 when either is not spatial or it grows. */
function strideOf(input: readonly number[], output: readonly number[]): number {
  if (input.length !== 3 || output.length !== 3) return 1;
  return Math.max(1, Math.round(input[0] / output[0]));
}

/** Copies of `layers` with `block` set from the blocks' layer lists (-1 for the input layer). */
export function assignBlocks(layers: readonly LayerInfo[], blocks: readonly Block[]): LayerInfo[] {
  const owner = new Map<string, number>();
  for (const b of blocks) for (const name of b.layers) owner.set(name, b.index);
  return layers.map((l) => ({ ...l, inbound: [...l.inbound], outputShape: [...l.outputShape], block: owner.get(l.name) ?? -1 }));
}

/** Each block's position range in `layers`, checked to be contiguous. */
export function blockRanges(layers: readonly LayerInfo[], blocks: readonly Block[]): [number, number][] {
  const pos = new Map(layers.map((l, i) => [l.name, i]));
  return blocks.map((b) => {
    const start = pos.get(b.layers[0]) ?? -1;
    const end = pos.get(b.layers[b.layers.length - 1]) ?? -1;
    if (start < 1 || end - start + 1 !== b.layers.length) {
      throw new LabError(`Block ${b.index} (${b.name}) is not a contiguous run of the model's layers.`, { field: 'graph', fix: 'The saved block layout does not fit this model; rebuild the block graph from the model.' });
    }
    return [start, end];
  });
}

/** Why a block holding a shared layer cannot be searched, or null when it holds none. */
function sharedReason(members: readonly LayerInfo[]): string | null {
  const shared = [...new Set(members.flatMap((l) => (l.sharedLayer ? [l.sharedLayer] : [])))];
  if (shared.length === 0) return null;
  const uses = (name: string): number => members.filter((l) => l.sharedLayer === name).length;
  const list = shared.map((n) => `"${n}" (${uses(n)} uses)`).join(', ');
  return `it holds layer${shared.length > 1 ? 's' : ''} ${list} applied more than once with the same weights; a searched cell cannot stand in for one set of weights used in several places`;
}

/**
 * Ranges (tiling positions in order) widened so that all uses of each shared layer fall in one
 * range: every range from the first to the last use is merged.
 */
export function mergeSharedUses(layers: readonly LayerInfo[], ranges: readonly [number, number][]): [number, number][] {
  const out = ranges.map(([s, e]): [number, number] => [s, e]);
  const groups = new Map<string, number[]>();
  layers.forEach((l, p) => {
    if (l.sharedLayer) groups.set(l.sharedLayer, [...(groups.get(l.sharedLayer) ?? []), p]);
  });
  for (const positions of groups.values()) {
    const first = Math.min(...positions);
    const last = Math.max(...positions);
    const a = out.findIndex(([s, e]) => first >= s && first <= e);
    const b = out.findIndex(([s, e]) => last >= s && last <= e);
    if (a >= 0 && b > a) out.splice(a, b - a + 1, [out[a][0], out[b][1]]);
  }
  return out;
}

/** True when cutting after position `p` would separate two uses of a shared layer. */
export function separatesSharedUses(layers: readonly LayerInfo[], p: number): boolean {
  const before = new Set(layers.slice(0, p + 1).flatMap((l) => (l.sharedLayer ? [l.sharedLayer] : [])));
  return layers.slice(p + 1).some((l) => l.sharedLayer !== undefined && before.has(l.sharedLayer));
}

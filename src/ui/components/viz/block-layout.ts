/** Pure mapping from a BlockGraph to dagre input: the block chain and one block's layer DAG. */
import type { BlockGraph, BlockScore } from '../../../core/types';
import { SIZES } from '../../theme';
import type { LayoutEdgeInput, LayoutNodeInput } from './graph-layout';
import { textWidth } from './graph-layout';

/** Node id of the model input in the block chain. */
export const INPUT_NODE = 'input';

/** Compact count: 950, 12.3k, 4.5M, 1.2G. */
export function formatCount(n: number): string {
  const units: [number, string][] = [[1e9, 'G'], [1e6, 'M'], [1e3, 'k']];
  for (const [size, suffix] of units) if (Math.abs(n) >= size) return `${(n / size).toFixed(n / size < 10 ? 1 : 0)}${suffix}`;
  return String(Math.round(n));
}

/** "28×28×1" for a shape without the batch dimension. */
export function formatShape(shape: readonly number[]): string {
  return shape.join('×');
}

/** Nodes ("input" plus `block-<index>`) and edges of the block chain, wired by each block's inputLayer. */
export function blockChain(graph: BlockGraph): { nodes: LayoutNodeInput[]; edges: LayoutEdgeInput[] } {
  // Wide enough for 'input 224×224×3' in the 12px font.
  const nodes: LayoutNodeInput[] = [{ id: INPUT_NODE, width: Math.max(90, (6 + formatShape(graph.inputShape).length) * SIZES.charWidthPx + 12), height: SIZES.blockBoxHeightPx / 2 }];
  for (const b of graph.blocks) nodes.push({ id: `block-${b.index}`, width: SIZES.blockBoxWidthPx, height: SIZES.blockBoxHeightPx });
  const byOutput = new Map(graph.blocks.map((b) => [b.outputLayer, b.index]));
  const edges = graph.blocks.map((b) => {
    const source = byOutput.get(b.inputLayer);
    return { id: `e-${b.index}`, from: source === undefined ? INPUT_NODE : `block-${source}`, to: `block-${b.index}` };
  });
  return { nodes, edges };
}

/** The layers of block `blockIndex` plus its input layer, with edges from LayerInfo.inbound inside that set. */
export function blockLayerDag(graph: BlockGraph, blockIndex: number): { nodes: LayoutNodeInput[]; edges: LayoutEdgeInput[] } {
  const block = graph.blocks.find((b) => b.index === blockIndex);
  if (!block) return { nodes: [], edges: [] };
  const names = [block.inputLayer, ...block.layers.filter((l) => l !== block.inputLayer)];
  const inSet = new Set(names);
  const byName = new Map(graph.layers.map((l) => [l.name, l]));
  const nodes = names.map((name) => ({ id: name, width: textWidth(layerTitle(name, byName.get(name)?.className ?? '')), height: SIZES.layerBoxHeightPx }));
  const edges = block.layers.flatMap((name) =>
    (byName.get(name)?.inbound ?? []).filter((src) => inSet.has(src)).map((src) => ({ id: `${src}->${name}`, from: src, to: name })),
  );
  return { nodes, edges };
}

/** One-line box text for a layer: "conv2 · Conv2D". */
export function layerTitle(name: string, className: string): string {
  return className ? `${name} · ${className}` : name;
}

/** Each block's combined score scaled to [0, 1] over the blocks (min → 0, max → 1); null when unscored. */
export function normalizedScores(scores: readonly BlockScore[] | undefined, blockCount: number): (number | null)[] {
  const out: (number | null)[] = Array.from({ length: blockCount }, () => null);
  if (!scores || scores.length === 0) return out;
  const values = scores.map((s) => s.combined);
  const min = Math.min(...values);
  const span = Math.max(...values) - min;
  for (const s of scores) if (s.blockIndex >= 0 && s.blockIndex < blockCount) out[s.blockIndex] = span > 0 ? (s.combined - min) / span : 1;
  return out;
}

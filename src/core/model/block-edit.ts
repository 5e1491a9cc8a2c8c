/** The user's edits of a BlockGraph (merge two adjacent blocks, split one at an internal cut). Pure. */
import { LabError } from '../errors';
import type { BlockGraph } from '../types';
import { assignBlocks, blockRanges, blocksFromRanges, cutFlags, separatesSharedUses } from './cuts';

function checkIndex(graph: BlockGraph, index: number, field: string): void {
  if (!Number.isInteger(index) || index < 0 || index >= graph.blocks.length) {
    throw new LabError(`There is no block ${index}; the model has blocks 0–${graph.blocks.length - 1}.`, { field, fix: 'Pick one of the blocks shown in the diagram.' });
  }
}

function rebuild(graph: BlockGraph, ranges: [number, number][]): BlockGraph {
  const blocks = blocksFromRanges(graph.layers, ranges);
  return { ...graph, inputShape: [...graph.inputShape], layers: assignBlocks(graph.layers, blocks), blocks };
}

/** A new graph in which block `index` and block `index + 1` are one block. */
export function mergeBlocks(graph: BlockGraph, index: number): BlockGraph {
  checkIndex(graph, index, 'blockIndex');
  if (index === graph.blocks.length - 1) throw new LabError(`Block ${index} is the last block; there is no next block to merge it with.`, { field: 'blockIndex', fix: 'Merge a block with the one after it.' });
  const ranges = blockRanges(graph.layers, graph.blocks);
  ranges.splice(index, 2, [ranges[index][0], ranges[index + 1][1]]);
  return rebuild(graph, ranges);
}

/** Layers of block `index` after which it can be split: internal articulation tensors, each leaving weights on both sides. */
export function internalCuts(graph: BlockGraph, index: number): string[] {
  checkIndex(graph, index, 'blockIndex');
  const flags = cutFlags(graph.layers);
  const [start, end] = blockRanges(graph.layers, graph.blocks)[index];
  const hasWeights = (s: number, e: number): boolean => graph.layers.slice(s, e + 1).some((l) => l.params > 0);
  const cuts: string[] = [];
  for (let p = start; p < end; p++) if (flags[p] && hasWeights(start, p) && hasWeights(p + 1, end) && !separatesSharedUses(graph.layers, p)) cuts.push(graph.layers[p].name);
  return cuts;
}

/** A new graph in which block `index` is split into two after layer `atLayer` (one of `internalCuts`). */
export function splitBlock(graph: BlockGraph, index: number, atLayer: string): BlockGraph {
  const allowed = internalCuts(graph, index);
  if (!allowed.includes(atLayer)) {
    const where = allowed.length > 0 ? `Split after one of: ${allowed.join(', ')}.` : 'This block has no internal cut (every path runs through it as one unit); it cannot be split.';
    throw new LabError(`Block ${index} cannot be split after "${atLayer}": its output is not the only tensor passing through, one side would hold no weights, or it would separate two uses of a shared layer.`, { field: 'atLayer', fix: where });
  }
  const ranges = blockRanges(graph.layers, graph.blocks);
  const [start, end] = ranges[index];
  const at = graph.layers.findIndex((l) => l.name === atLayer);
  ranges.splice(index, 1, [start, at], [at + 1, end]);
  return rebuild(graph, ranges);
}

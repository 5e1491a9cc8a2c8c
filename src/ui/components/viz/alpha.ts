/** Pure mapping from softmax(α) and genotypes to heat-map cells; no DOM, no tfjs. */
import type { Genotype } from '../../../core/types';

/** Number of edges of a cell with `steps` intermediate nodes: node n has inputs 0..n-1. */
export function cellEdgeCount(steps: number): number {
  return (steps * (steps + 1)) / 2;
}

/** Row labels "1←0", "2←0", "2←1", … in cell edge order (for node in 1..steps, for from in 0..node-1). */
export function edgeLabels(steps: number): string[] {
  const labels: string[] = [];
  for (let node = 1; node <= steps; node++) for (let from = 0; from < node; from++) labels.push(`${node}←${from}`);
  return labels;
}

/** Row index of edge from → node in cell edge order. */
export function edgeRow(node: number, from: number): number {
  return ((node - 1) * node) / 2 + from;
}

/** One heat-map cell: row = edge, col = op, value = softmax(α) in [0, 1], isKept when the genotype keeps it. */
export interface AlphaCell {
  row: number;
  col: number;
  value: number;
  isKept: boolean;
}

/** Cells of an edges × ops matrix, with the genotype's kept (edge, op) pairs marked. */
export function alphaCells(alphaSoftmax: readonly (readonly number[])[], ops: readonly string[], genotype: Genotype | null): AlphaCell[] {
  const kept = new Set((genotype?.edges ?? []).map((e) => `${edgeRow(e.node, e.from)}:${ops.indexOf(e.op)}`));
  return alphaSoftmax.flatMap((weights, row) => weights.map((value, col) => ({ row, col, value, isKept: kept.has(`${row}:${col}`) })));
}

import { LabError } from '../errors';
import type { Genotype } from '../types';
import { edgeCount, edgeIndex } from './layout';
import { PRIMITIVES, type OpName } from './primitives';

export type { Genotype } from '../types';

/** Incoming edges kept per intermediate node (DARTS `_parse`: 2). */
export const EDGES_PER_NODE = 2;

/**
 * DARTS model_search `genotype()._parse` on plain numbers: for each intermediate node keep
 * the EDGES_PER_NODE incoming edges whose strongest non-none op weighs most (node 1 has only
 * the edge from node 0), and on each kept edge the strongest non-none op. Ties go to the
 * earlier edge / earlier op. `alphaSoftmax` rows follow edgeIndex, columns follow `ops`.
 */
export function parseGenotype(alphaSoftmax: number[][], steps: number, ops: readonly OpName[] = PRIMITIVES): Genotype {
  if (alphaSoftmax.length !== edgeCount(steps) || alphaSoftmax.some((row) => row.length !== ops.length)) {
    throw new LabError(`Genotype: α must be ${edgeCount(steps)} rows of ${ops.length} weights for ${steps} nodes.`, { field: 'alphaSoftmax', fix: 'Pass softmax(α) of the same cell and op list.' });
  }
  const candidates = ops.map((op, column) => ({ op, column })).filter(({ op }) => op !== 'none');
  if (candidates.length === 0) throw new LabError('Genotype: the op list has nothing but none.', { field: 'ops', fix: 'Add a real op.' });
  const best = (row: number[]) => candidates.reduce((a, b) => (row[b.column] > row[a.column] ? b : a));
  const edges: Genotype['edges'] = [];
  for (let node = 1; node <= steps; node++) {
    const incoming = Array.from({ length: node }, (_, from) => {
      const row = alphaSoftmax[edgeIndex(node, from)];
      const { op, column } = best(row);
      return { from, op, strength: row[column] };
    });
    const kept = incoming
      .slice()
      .sort((a, b) => b.strength - a.strength || a.from - b.from)
      .slice(0, EDGES_PER_NODE)
      .sort((a, b) => a.from - b.from);
    for (const { from, op } of kept) edges.push({ node, from, op });
  }
  return { steps, edges, concat: Array.from({ length: steps }, (_, i) => i + 1) };
}

/**
 * Ops that learn nothing themselves (at stride 1; a strided skip is DARTS' FactorizedReduce).
 * A differentiable search tends to collapse onto them (Zela et al., ICLR 2020): they help
 * before the convolutions have learnt anything.
 */
const PARAMETER_FREE: readonly OpName[] = ['max_pool_3x3', 'avg_pool_3x3', 'skip_connect'];

/** How many of the genotype's edges are pooling or skip connections. */
export function parameterFreeEdges(genotype: Genotype): number {
  return genotype.edges.filter((e) => PARAMETER_FREE.includes(e.op as OpName)).length;
}

/** True when more than half the edges are parameter-free: the search collapsed (the Search step says so). */
export function isMostlyParameterFree(genotype: Genotype): boolean {
  return genotype.edges.length > 0 && parameterFreeEdges(genotype) * 2 > genotype.edges.length;
}

/** A chain of separable convs with skips back to the input: a plausible "repaired" cell. */
export const SEP_CHAIN: Genotype = {
  steps: 4,
  edges: [
    { node: 1, from: 0, op: 'sep_conv_3x3' },
    { node: 2, from: 0, op: 'skip_connect' },
    { node: 2, from: 1, op: 'sep_conv_3x3' },
    { node: 3, from: 1, op: 'sep_conv_5x5' },
    { node: 3, from: 2, op: 'dil_conv_3x3' },
    { node: 4, from: 0, op: 'max_pool_3x3' },
    { node: 4, from: 3, op: 'sep_conv_3x3' },
  ],
  concat: [1, 2, 3, 4],
};

/** Every primitive except none used once: exercises each derived layer type. */
export const ALL_OPS: Genotype = {
  steps: 4,
  edges: [
    { node: 1, from: 0, op: 'dil_conv_5x5' },
    { node: 2, from: 0, op: 'avg_pool_3x3' },
    { node: 2, from: 1, op: 'skip_connect' },
    { node: 3, from: 0, op: 'sep_conv_5x5' },
    { node: 3, from: 2, op: 'dil_conv_3x3' },
    { node: 4, from: 1, op: 'max_pool_3x3' },
    { node: 4, from: 3, op: 'sep_conv_3x3' },
  ],
  concat: [1, 2, 3, 4],
};

/** Reference genotypes by name, as DARTS keeps DARTS_V1/DARTS_V2 as values. */
export const REFERENCE_GENOTYPES = { SEP_CHAIN, ALL_OPS } as const;

/**
 * Edge layout of the single-input search cell (no tfjs). Node 0 is the block input after
 * preprocessing; intermediate node i (1..steps) has one edge from every earlier node j < i.
 * Edges are numbered node by node, then by source: (1,0), (2,0), (2,1), (3,0), …
 * cell.ts re-exports these; genotype.ts and derive.ts use them instead of recomputing.
 */

/** Number of edges in a cell with `steps` intermediate nodes: steps·(steps+1)/2 (10 for 4). */
export function edgeCount(steps: number): number {
  return (steps * (steps + 1)) / 2;
}

/** Row of α for the edge into intermediate node `node` (1..steps) from node `from` (0..node-1). */
export function edgeIndex(node: number, from: number): number {
  if (!Number.isInteger(node) || !Number.isInteger(from) || node < 1 || from < 0 || from >= node) {
    throw new RangeError(`No edge into node ${node} from node ${from}.`);
  }
  return ((node - 1) * node) / 2 + from;
}

/** The (node, from) pair of every edge, in α row order. */
export function edgeEnds(steps: number): { node: number; from: number }[] {
  const ends: { node: number; from: number }[] = [];
  for (let node = 1; node <= steps; node++) {
    for (let from = 0; from < node; from++) ends.push({ node, from });
  }
  return ends;
}

/** Pure mapping from a Genotype to dagre input: input node, intermediate nodes, output (concat) node. */
import type { Genotype } from '../../../core/types';
import { SIZES, opFamily, type OpFamily } from '../../theme';
import { textWidth, type LayoutEdgeInput, type LayoutNodeInput } from './graph-layout';

/** Node id of the block output (concatenation of `genotype.concat`). */
export const OUTPUT_NODE = 'output';

/** A cell edge for drawing: the op it applies (empty for concat edges) and its family. */
export interface CellEdgeInput extends LayoutEdgeInput {
  op: string;
  family: OpFamily | 'concat';
}

/** Display name of cell node n: 0 is the block input, others their index. */
export function cellNodeName(node: number): string {
  return node === 0 ? 'input' : String(node);
}

/** Nodes "0".."steps" and "output", op edges labelled with their op, and concat edges into output. */
export function cellGraph(genotype: Genotype): { nodes: LayoutNodeInput[]; edges: CellEdgeInput[] } {
  const h = SIZES.graphNodeHeightPx;
  const nodes: LayoutNodeInput[] = [];
  for (let n = 0; n <= genotype.steps; n++) nodes.push({ id: String(n), width: n === 0 ? 64 : h, height: h });
  nodes.push({ id: OUTPUT_NODE, width: 70, height: h });
  const edges: CellEdgeInput[] = genotype.edges.map((e, i) => ({
    id: `op-${i}`, from: String(e.from), to: String(e.node), op: e.op, family: opFamily(e.op), labelWidth: textWidth(e.op, 8), labelHeight: 16,
  }));
  for (const n of genotype.concat) edges.push({ id: `concat-${n}`, from: String(n), to: OUTPUT_NODE, op: '', family: 'concat' });
  return { nodes, edges };
}

import { describe, expect, it } from 'vitest';
import { alphaCells, cellEdgeCount, edgeLabels, edgeRow } from '../../../../../src/ui/components/viz/alpha';

describe('alpha heat-map mapping', () => {
  it('labels edges in cell order: for node in 1..steps, for from in 0..node-1', () => {
    expect(edgeLabels(3)).toEqual(['1←0', '2←0', '2←1', '3←0', '3←1', '3←2']);
    expect(cellEdgeCount(4)).toBe(10);
    expect(edgeLabels(4)).toHaveLength(10);
  });

  it('edgeRow agrees with the label order', () => {
    const labels = edgeLabels(4);
    for (let node = 1; node <= 4; node++) for (let from = 0; from < node; from++) expect(labels[edgeRow(node, from)]).toBe(`${node}←${from}`);
  });

  it('marks exactly the genotype kept (edge, op) cells', () => {
    const ops = ['none', 'skip_connect', 'sep_conv_3x3'];
    const alpha = [[0.2, 0.3, 0.5], [0.6, 0.3, 0.1], [0.1, 0.8, 0.1]];
    const cells = alphaCells(alpha, ops, { steps: 2, edges: [{ node: 1, from: 0, op: 'sep_conv_3x3' }, { node: 2, from: 1, op: 'skip_connect' }], concat: [1, 2] });
    expect(cells).toHaveLength(9);
    expect(cells.filter((c) => c.isKept).map((c) => [c.row, c.col, c.value])).toEqual([[0, 2, 0.5], [2, 1, 0.8]]);
    expect(alphaCells(alpha, ops, null).some((c) => c.isKept)).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { edgePath, layoutGraph } from '../../../../../src/ui/components/viz/graph-layout';
import { blockChain, blockLayerDag, formatCount, normalizedScores } from '../../../../../src/ui/components/viz/block-layout';
import { cellGraph, OUTPUT_NODE } from '../../../../../src/ui/components/viz/cell-layout';
import { galleryBlockGraph, galleryScores } from '../../../../../src/ui/components/viz/gallery-data';

const inside = (layout: ReturnType<typeof layoutGraph>) => {
  for (const n of layout.nodes) {
    expect(n.x).toBeGreaterThanOrEqual(0);
    expect(n.y).toBeGreaterThanOrEqual(0);
    expect(n.x + n.width).toBeLessThanOrEqual(layout.width);
    expect(n.y + n.height).toBeLessThanOrEqual(layout.height);
  }
  for (const e of layout.edges) for (const p of e.points) expect(p.x >= 0 && p.y >= 0 && p.x <= layout.width && p.y <= layout.height).toBe(true);
};

describe('block diagram mapping and layout', () => {
  const graph = galleryBlockGraph();

  it('chains blocks through their input layers, starting at the model input', () => {
    const { nodes, edges } = blockChain(graph);
    expect(nodes.map((n) => n.id)).toEqual(['input', 'block-0', 'block-1', 'block-2', 'block-3']);
    expect(edges.map((e) => `${e.from}>${e.to}`)).toEqual(['input>block-0', 'block-0>block-1', 'block-1>block-2', 'block-2>block-3']);
  });

  it('lays the chain out left to right without overlaps and inside the drawing', () => {
    const { nodes, edges } = blockChain(graph);
    const layout = layoutGraph(nodes, edges, { direction: 'LR' });
    inside(layout);
    const xs = layout.nodes.map((n) => n.x);
    for (let i = 1; i < xs.length; i++) expect(xs[i]).toBeGreaterThanOrEqual(xs[i - 1] + layout.nodes[i - 1].width);
    expect(layout.edges.every((e) => e.points.length >= 2)).toBe(true);
  });

  it("builds a block's layer DAG from inbound, keeping the residual skip edge", () => {
    const dag = blockLayerDag(graph, 2);
    expect(dag.nodes.map((n) => n.id)).toEqual(['pool2', 'conv3a', 'relu3a', 'conv3b', 'add3', 'relu3']);
    expect(dag.edges.map((e) => e.id).sort()).toEqual(['add3->relu3', 'conv3a->relu3a', 'conv3b->add3', 'pool2->add3', 'pool2->conv3a', 'relu3a->conv3b']);
    const layout = layoutGraph(dag.nodes, dag.edges, { direction: 'TB' });
    inside(layout);
    const y = new Map(layout.nodes.map((n) => [n.id, n.y]));
    expect(y.get('add3')!).toBeGreaterThan(y.get('conv3b')!);
    expect(blockLayerDag(graph, 99)).toEqual({ nodes: [], edges: [] });
  });

  it('scales combined scores to [0, 1] and formats counts', () => {
    const shades = normalizedScores(galleryScores(), 4);
    expect(Math.min(...(shades as number[]))).toBe(0);
    expect(shades[1]).toBe(1);
    expect(normalizedScores(undefined, 2)).toEqual([null, null]);
    expect([formatCount(950), formatCount(12_345), formatCount(4_500_000)]).toEqual(['950', '12k', '4.5M']);
  });
});

describe('cell graph mapping', () => {
  it('has input, intermediate and output nodes, op edges with labels and concat edges', () => {
    const genotype = { steps: 2, edges: [{ node: 1, from: 0, op: 'sep_conv_3x3' }, { node: 2, from: 0, op: 'max_pool_3x3' }, { node: 2, from: 1, op: 'skip_connect' }], concat: [1, 2] };
    const { nodes, edges } = cellGraph(genotype);
    expect(nodes.map((n) => n.id)).toEqual(['0', '1', '2', OUTPUT_NODE]);
    expect(edges.map((e) => `${e.from}>${e.to}:${e.family}`)).toEqual(['0>1:sep_conv', '0>2:pool', '1>2:skip', `1>${OUTPUT_NODE}:concat`, `2>${OUTPUT_NODE}:concat`]);
    const layout = layoutGraph(nodes, edges);
    inside(layout);
    expect(layout.edges.filter((e) => e.label !== null)).toHaveLength(3);
    expect(edgePath(layout.edges[0].points)).toMatch(/^M[\d.]+,[\d.]+ /);
  });

  it('re-layout follows a changed genotype', () => {
    const a = cellGraph({ steps: 2, edges: [{ node: 1, from: 0, op: 'sep_conv_3x3' }, { node: 2, from: 1, op: 'skip_connect' }], concat: [1, 2] });
    const b = cellGraph({ steps: 2, edges: [{ node: 1, from: 0, op: 'sep_conv_3x3' }, { node: 2, from: 0, op: 'skip_connect' }], concat: [1, 2] });
    const ya = layoutGraph(a.nodes, a.edges).nodes.find((n) => n.id === '2')!;
    const yb = layoutGraph(b.nodes, b.edges).nodes.find((n) => n.id === '2')!;
    expect([ya.x, ya.y]).not.toEqual([yb.x, yb.y]);
  });
});

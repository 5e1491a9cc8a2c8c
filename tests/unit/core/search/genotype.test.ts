import { describe, expect, it } from 'vitest';
import { ALL_OPS, REFERENCE_GENOTYPES, SEP_CHAIN, isMostlyParameterFree, parameterFreeEdges, parseGenotype } from '../../../../src/core/search/genotype';
import { edgeCount, edgeIndex } from '../../../../src/core/search/layout';
import { PRIMITIVES } from '../../../../src/core/search/primitives';
import { PRESETS } from '../../../../src/core/search/presets';
import { LabError } from '../../../../src/core/errors';

/** α softmax rows with a chosen op weighted `strength` on chosen edges; the rest uniform-ish. */
function alphaWith(steps: number, ops: readonly string[], picks: { node: number; from: number; op: string; strength: number }[]): number[][] {
  const rows = Array.from({ length: edgeCount(steps) }, () => ops.map(() => 1 / ops.length));
  for (const { node, from, op, strength } of picks) {
    const row = rows[edgeIndex(node, from)];
    row.fill((1 - strength) / (ops.length - 1));
    row[ops.indexOf(op)] = strength;
  }
  return rows;
}

describe('parseGenotype (DARTS _parse)', () => {
  it('keeps the two strongest incoming edges per node by their best non-none op', () => {
    const ops = PRESETS.lite.ops;
    const alpha = alphaWith(3, ops, [
      { node: 1, from: 0, op: 'sep_conv_3x3', strength: 0.5 },
      { node: 2, from: 0, op: 'max_pool_3x3', strength: 0.6 },
      { node: 2, from: 1, op: 'dil_conv_3x3', strength: 0.4 },
      { node: 3, from: 0, op: 'skip_connect', strength: 0.3 },
      { node: 3, from: 1, op: 'sep_conv_3x3', strength: 0.7 },
      { node: 3, from: 2, op: 'max_pool_3x3', strength: 0.5 },
    ]);
    expect(parseGenotype(alpha, 3, ops)).toEqual({
      steps: 3,
      edges: [
        { node: 1, from: 0, op: 'sep_conv_3x3' },
        { node: 2, from: 0, op: 'max_pool_3x3' },
        { node: 2, from: 1, op: 'dil_conv_3x3' },
        { node: 3, from: 1, op: 'sep_conv_3x3' },
        { node: 3, from: 2, op: 'max_pool_3x3' },
      ],
      concat: [1, 2, 3],
    });
  });

  it('never picks none, even when none dominates an edge', () => {
    const ops = PRIMITIVES;
    const alpha = alphaWith(2, ops, [
      { node: 1, from: 0, op: 'none', strength: 0.9 },
      { node: 2, from: 0, op: 'none', strength: 0.95 },
      { node: 2, from: 1, op: 'avg_pool_3x3', strength: 0.3 },
    ]);
    alpha[edgeIndex(1, 0)][ops.indexOf('dil_conv_5x5')] = 0.05;
    const genotype = parseGenotype(alpha, 2, ops);
    expect(genotype.edges.map((e) => e.op)).not.toContain('none');
    expect(genotype.edges[0]).toEqual({ node: 1, from: 0, op: 'dil_conv_5x5' });
    expect(genotype.edges.filter((e) => e.node === 2)).toHaveLength(2);
  });

  it('ranks edges by their best non-none weight, not by none', () => {
    const ops = ['none', 'skip_connect', 'sep_conv_3x3'] as const;
    const alpha = [
      [0.2, 0.3, 0.5],
      [0.8, 0.15, 0.05], // strong none, weak real ops: should lose
      [0.1, 0.3, 0.6],
      [0.05, 0.5, 0.45],
      [0.6, 0.2, 0.2],
      [0.5, 0.1, 0.4],
    ];
    const genotype = parseGenotype(alpha, 3, ops);
    expect(genotype.edges.filter((e) => e.node === 2).map((e) => e.from)).toEqual([0, 1]);
    expect(genotype.edges.filter((e) => e.node === 3)).toEqual([
      { node: 3, from: 0, op: 'skip_connect' },
      { node: 3, from: 2, op: 'sep_conv_3x3' },
    ]);
  });

  it('rejects α of the wrong shape', () => {
    expect(() => parseGenotype([[1, 0]], 2, ['none', 'skip_connect'])).toThrow(LabError);
  });

  it('reference genotypes are well formed', () => {
    expect(Object.values(REFERENCE_GENOTYPES)).toEqual([SEP_CHAIN, ALL_OPS]);
    for (const g of [SEP_CHAIN, ALL_OPS]) {
      for (let node = 1; node <= g.steps; node++) expect(g.edges.filter((e) => e.node === node).length).toBe(Math.min(2, node));
      expect(g.edges.every((e) => e.from < e.node && (PRIMITIVES as readonly string[]).includes(e.op) && e.op !== 'none')).toBe(true);
    }
  });

  it('counts the edges that learn nothing (pooling, skip) and calls more than half a collapse', () => {
    expect(parameterFreeEdges(SEP_CHAIN)).toBe(2);
    expect(isMostlyParameterFree(SEP_CHAIN)).toBe(false);
    expect(parameterFreeEdges(ALL_OPS)).toBe(3);
    const pools = { ...SEP_CHAIN, edges: SEP_CHAIN.edges.map((e, i) => (i < 4 ? { ...e, op: 'max_pool_3x3' } : e)) };
    expect(parameterFreeEdges(pools)).toBe(5);
    expect(isMostlyParameterFree(pools)).toBe(true);
    expect(isMostlyParameterFree({ ...SEP_CHAIN, edges: [] })).toBe(false);
  });
});

// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render } from '@testing-library/svelte';
import CellGraph from '../../../../../src/ui/components/viz/CellGraph.svelte';
import { galleryHistory } from '../../../../../src/ui/components/viz/gallery-data';
import type { Genotype } from '../../../../../src/core/types';

afterEach(cleanup);

const twoStep: Genotype = {
  steps: 2,
  edges: [
    { node: 1, from: 0, op: 'sep_conv_3x3' },
    { node: 2, from: 0, op: 'skip_connect' },
    { node: 2, from: 1, op: 'max_pool_3x3' },
  ],
  concat: [1, 2],
};

function labels(container: HTMLElement): string[] {
  return [...container.querySelectorAll('g.edge-label text')].map((t) => t.textContent ?? '').sort();
}

describe('CellGraph', () => {
  it('draws one labelled edge per genotype edge, one arrow per concat input, and the cell nodes', () => {
    const { container } = render(CellGraph, { genotype: twoStep });
    expect(labels(container)).toEqual(['max_pool_3x3', 'sep_conv_3x3', 'skip_connect']);
    expect(container.querySelectorAll('path.edge')).toHaveLength(twoStep.edges.length + twoStep.concat.length);
    const nodes = [...container.querySelectorAll('g.node text')].map((t) => t.textContent).sort();
    expect(nodes).toEqual(['1', '2', 'input', 'output']);
    const svg = container.querySelector('svg.graph')!;
    expect(svg.getAttribute('aria-label')).toBe(
      'Derived cell: node 1 takes sep_conv_3x3 of input; node 2 takes skip_connect of input; node 2 takes max_pool_3x3 of 1; output concatenates nodes 1, 2.',
    );
  });

  it('lists one legend entry per op family used, plus concat', () => {
    const { getByRole } = render(CellGraph, { genotype: twoStep });
    const items = [...getByRole('list', { name: 'Op families' }).querySelectorAll('li')].map((li) => li.textContent);
    expect(items).toHaveLength(4);
    expect(items[items.length - 1]).toBe('concat');
  });

  it('re-renders edges, labels and description when the genotype prop changes', async () => {
    const history = galleryHistory();
    const first = history[0].genotype;
    const last = history[history.length - 1].genotype;
    const key = (g: Genotype) => g.edges.map((e) => `${e.node}<${e.from}:${e.op}`).join(',');
    expect(key(first)).not.toBe(key(last));

    const { container, getByTestId, rerender } = render(CellGraph, { genotype: first, title: 'Live cell' });
    expect(getByTestId('cell-graph').dataset.edges).toBe(key(first));
    expect(labels(container)).toEqual(first.edges.map((e) => e.op).sort());

    await rerender({ genotype: last });
    expect(getByTestId('cell-graph').dataset.edges).toBe(key(last));
    expect(labels(container)).toEqual(last.edges.map((e) => e.op).sort());
    expect(container.querySelectorAll('path.edge')).toHaveLength(last.edges.length + last.concat.length);
    expect(container.querySelector('svg.graph')!.getAttribute('aria-label')).toMatch(/^Live cell: /);
  });
});

// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render } from '@testing-library/svelte';
import BlockDiagram from '../../../../../src/ui/components/viz/BlockDiagram.svelte';
import { galleryBlockGraph, galleryScores } from '../../../../../src/ui/components/viz/gallery-data';

afterEach(cleanup);

function blockBoxes(container: HTMLElement): SVGGElement[] {
  return [...container.querySelectorAll<SVGGElement>('g.block')];
}

describe('BlockDiagram', () => {
  it('draws one box per block with its name, kind and output shape, plus the input box', () => {
    const graph = galleryBlockGraph();
    const { container } = render(BlockDiagram, { graph });
    const boxes = blockBoxes(container);
    expect(boxes.map((g) => Number(g.dataset.block)).sort()).toEqual([0, 1, 2, 3]);
    for (const g of boxes) {
      const block = graph.blocks[Number(g.dataset.block)];
      expect(g.querySelector('.name')?.textContent).toBe(block.name);
      expect(g.textContent).toContain(`${block.kind} → ${block.outputShape.join('×')}`);
    }
    expect(container.querySelector('g.input')?.textContent).toContain('input 28×28×1');
    // A chain input → 4 blocks has four arrows.
    expect(container.querySelectorAll('path.edge')).toHaveLength(4);
  });

  it('calls onSelect with the block index on click, Enter and Space, but not on other keys', async () => {
    const onSelect = vi.fn();
    const { container } = render(BlockDiagram, { graph: galleryBlockGraph(), onSelect });
    const box = (i: number) => container.querySelector<SVGGElement>(`g.block[data-block="${i}"]`)!;
    await fireEvent.click(box(2));
    await fireEvent.keyDown(box(1), { key: 'Enter' });
    await fireEvent.keyDown(box(3), { key: ' ' });
    await fireEvent.keyDown(box(0), { key: 'a' });
    expect(onSelect.mock.calls).toEqual([[2], [1], [3]]);
  });

  it('highlights only the selected block and follows the selected prop', async () => {
    const { container, rerender } = render(BlockDiagram, { graph: galleryBlockGraph(), selected: 1 });
    const pressed = () => blockBoxes(container).filter((g) => g.getAttribute('aria-pressed') === 'true').map((g) => g.dataset.block);
    const highlighted = () => blockBoxes(container).filter((g) => g.classList.contains('selected')).map((g) => g.dataset.block);
    expect(pressed()).toEqual(['1']);
    expect(highlighted()).toEqual(['1']);
    await rerender({ selected: 3 });
    expect(pressed()).toEqual(['3']);
    expect(highlighted()).toEqual(['3']);
    await rerender({ selected: null });
    expect(highlighted()).toEqual([]);
  });

  it('shows each block rank and score, and colours boxes only when scores are given', async () => {
    const graph = galleryBlockGraph();
    const scores = galleryScores();
    const { container, rerender } = render(BlockDiagram, { graph, scores });
    for (const s of scores) {
      const g = container.querySelector(`g.block[data-block="${s.blockIndex}"]`)!;
      expect(g.querySelector('.name')?.textContent).toBe(`${graph.blocks[s.blockIndex].name} · #${s.rank}`);
      // The button's name is its visible text (axe label-content-name-mismatch), score included.
      expect(g.getAttribute('aria-label')).toBeNull();
      expect(g.textContent).toContain(s.combined.toFixed(2));
    }
    const fills = () => blockBoxes(container).map((g) => g.querySelector('rect.box')!.getAttribute('fill'));
    expect(new Set(fills()).size).toBeGreaterThan(1);
    expect(fills()).not.toContain('var(--panel)');
    await rerender({ scores: undefined });
    expect(fills()).toEqual(['var(--panel)', 'var(--panel)', 'var(--panel)', 'var(--panel)']);
  });

  it('expands the layers of the selected block only once a block is selected', async () => {
    const graph = galleryBlockGraph();
    const { getByTestId, queryByTestId, rerender } = render(BlockDiagram, { graph });
    const button = getByTestId('expand-block') as HTMLButtonElement;
    expect(button.disabled).toBe(true);
    expect(button.textContent).toContain('(select a block)');
    await rerender({ selected: 2 });
    expect(button.disabled).toBe(false);
    expect(button.textContent).toContain('Show layers of residual 1');
    await fireEvent.click(button);
    expect(button.getAttribute('aria-expanded')).toBe('true');
    expect(button.textContent).toContain('Hide layers of residual 1');
    const layers = getByTestId('layer-graph');
    expect(layers.dataset.block).toBe('2');
    expect(layers.querySelector('svg')?.getAttribute('aria-label')).toBe('Layers of residual 1: conv3a, relu3a, conv3b, add3, relu3');
    await fireEvent.click(button);
    expect(queryByTestId('layer-graph')).toBeNull();
  });
});

import type { Locator, Page } from '@playwright/test';
import { test, expect } from './fixtures';

/** Number of canvas pixels that are not fully transparent (0 means the chart drew nothing). */
async function paintedPixels(canvas: Locator): Promise<number> {
  return canvas.evaluate((el) => {
    const c = el as HTMLCanvasElement;
    if (c.width === 0 || c.height === 0) return 0;
    const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let painted = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i] > 0) painted++;
    return painted;
  });
}

async function expectPaintedCanvases(page: Page, testId: string, count: number): Promise<void> {
  const canvases = page.getByTestId(testId).first().locator('canvas');
  await expect(canvases).toHaveCount(count);
  for (let i = 0; i < count; i++) expect(await paintedPixels(canvases.nth(i)), `${testId} canvas ${i}`).toBeGreaterThan(200);
}

test('the gallery renders every viz component, and the scrubber and keyboard selection work', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto('/?view=gallery');
  await expect(page.getByRole('heading', { name: 'ArchRepair Lab: component gallery' })).toBeVisible();

  // Charts drew something, and their text alternatives are present.
  await expectPaintedCanvases(page, 'loss-chart', 2);
  await expect(page.getByTestId('loss-chart')).toContainText('accuracy');
  await expectPaintedCanvases(page, 'alpha-heatmap', 1);
  await expectPaintedCanvases(page, 'score-bars', 1);
  await expect(page.getByTestId('score-bars')).toContainText('(chosen)');
  await expectPaintedCanvases(page, 'accuracy-bars', 1);
  await expect(page.getByTestId('accuracy-bars').locator('tbody tr')).toHaveCount(6);
  await expectPaintedCanvases(page, 'class-histogram', 1);
  await expect(page.getByTestId('confusion-matrix')).toHaveCount(2);
  await expectPaintedCanvases(page, 'confusion-matrix', 1);
  await expect(page.getByTestId('confusion-matrix').first()).toContainText('on the diagonal');
  await expectPaintedCanvases(page, 'memory-meter', 1);
  await expect(page.getByTestId('memory-meter')).toContainText('tensors');

  // Images: 16 grey + 6 RGB tiles, painted, with ✓/✗ for predictions.
  const grids = page.getByTestId('example-grid');
  await expect(grids.first().locator('canvas')).toHaveCount(16);
  await expect(grids.nth(1).locator('canvas')).toHaveCount(6);
  expect(await paintedPixels(grids.first().locator('canvas').first())).toBe(28 * 28);
  await expect(grids.first().locator('figure.wrong').first()).toContainText('✗');

  // Loss chart updates in place when an epoch is added.
  await expect(page.getByTestId('loss-chart')).toHaveAttribute('data-epochs', '8');
  await page.getByRole('button', { name: 'Add an epoch' }).click();
  await expect(page.getByTestId('loss-chart')).toHaveAttribute('data-epochs', '9');
  await expect(page.getByTestId('loss-chart')).toContainText('Epoch 9:');

  // Graphs: dagre-placed SVG with labelled nodes and op-labelled edges.
  const cell = page.getByTestId('cell-graph');
  await expect(cell.locator('svg.graph g.node')).toHaveCount(3 + 2);
  await expect(cell.locator('svg.graph')).toContainText('input');
  await expect(cell.locator('svg.graph')).toContainText('output');
  expect(await cell.locator('svg path.edge').count()).toBeGreaterThanOrEqual(5);
  // A block button is named by its visible text (block name first, then rank, shape, params and score).
  const blocks = page.getByTestId('block-diagram');
  await expect(blocks.getByRole('button', { name: /^conv unit 1(?!\d)/ })).toBeVisible();
  await expect(blocks.locator('g.block')).toHaveCount(4);
  await expect(blocks.locator('svg.graph')).toContainText('params');

  // The scrubber changes the heat map's epoch, its picture, and the derived cell.
  const heatmap = page.getByTestId('alpha-heatmap');
  await expect(page.getByTestId('alpha-epoch')).toHaveText('20');
  const imageAtEnd = await heatmap.locator('canvas').evaluate((c) => (c as HTMLCanvasElement).toDataURL());
  const cellAtEnd = await cell.getAttribute('data-edges');
  await heatmap.getByRole('slider', { name: 'Epoch shown in the α heat map' }).fill('2');
  await expect(page.getByTestId('alpha-epoch')).toHaveText('3');
  await expect(heatmap).toHaveAttribute('data-epoch', '3');
  await expect(page.getByTestId('cell-epoch')).toHaveText('3');
  expect(await heatmap.locator('canvas').evaluate((c) => (c as HTMLCanvasElement).toDataURL())).not.toBe(imageAtEnd);
  expect(await cell.getAttribute('data-edges')).not.toBe(cellAtEnd);

  // Keyboard: Tab to a block, Enter selects it (callback + highlight), then expand its layers.
  await expect(page.getByTestId('selected-block')).toHaveText('Selected: none');
  const second = blocks.getByRole('button', { name: /^conv unit 2(?!\d)/ });
  await blocks.getByRole('button', { name: /^conv unit 1(?!\d)/ }).focus();
  await page.keyboard.press('Tab');
  await expect(second).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('selected-block')).toHaveText('Selected: conv unit 2');
  await expect(second).toHaveAttribute('aria-pressed', 'true');
  await expect(second).toHaveClass(/selected/);
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Space');
  await expect(page.getByTestId('selected-block')).toHaveText('Selected: head');
  await expect(second).toHaveAttribute('aria-pressed', 'false');
  await blocks.getByRole('button', { name: /^residual 1(?!\d)/ }).click();
  await page.getByTestId('expand-block').click();
  const layers = page.getByTestId('layer-graph');
  await expect(layers.locator('g.layer')).toHaveCount(6);
  await expect(layers).toContainText('add3 · Add');
  // The residual's skip path: pool2 feeds both conv3a and add3.
  await expect(layers.locator('path.edge')).toHaveCount(6);

  await page.screenshot({ path: 'test-results/gallery.png', fullPage: true });
  expect(errors).toEqual([]);
});

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { test, expect, openLab } from './fixtures';

/** A folder of 28×28 grey PNGs: `classes` sub-folders, `perClass` images each (a bar whose position encodes the class). */
function writeImageFolder(root: string, classes: string[], perClass: number): void {
  classes.forEach((name, c) => {
    mkdirSync(join(root, name), { recursive: true });
    for (let i = 0; i < perClass; i++) {
      const png = new PNG({ width: 28, height: 28 });
      for (let y = 0; y < 28; y++) {
        for (let x = 0; x < 28; x++) {
          const on = Math.abs(x - (6 + c * 12) - (i % 3)) < 3 && y > 4 && y < 24;
          const k = (y * 28 + x) * 4;
          png.data[k] = png.data[k + 1] = png.data[k + 2] = on ? 255 : 0;
          png.data[k + 3] = 255;
        }
      }
      writeFileSync(join(root, name, `${i}.png`), PNG.sync.write(png));
    }
  });
}

test('a dropped dataset folder shows its samples and classes; a class mismatch is explained', async ({ page }) => {
  const root = test.info().outputPath('bars');
  writeImageFolder(root, ['left', 'right'], 6);
  await openLab(page, '?backend=cpu');
  await expect(page.getByTestId('model-summary')).toContainText('mnist-cnn', { timeout: 60_000 });
  await page.getByRole('navigation').getByRole('button', { name: 'Data' }).click();
  await expect(page.getByTestId('dataset-facts')).toContainText('mnist-test');
  await expect(page.getByTestId('progress')).toHaveCount(0);
  await page.getByTestId('dataset-drop-folder-input').setInputFiles(root);
  const facts = page.getByTestId('dataset-facts');
  await expect(facts).toContainText('12 images of 28×28×1, 2 classes');
  await expect(page.getByTestId('step-data').getByTestId('example-grid').locator('figure')).toHaveCount(12);
  await expect(page.getByTestId('dataset-select')).toContainText('yours');
  // mnist-cnn predicts 10 classes: finding failures on a 2-class set is refused with a reason.
  await page.getByTestId('collect-failures').click();
  await expect(page.getByTestId('error')).toContainText('The dataset has 2 classes but the model predicts 10');
});

test('the corruption grid shows every corruption at severities 1–5 (screenshot artifact)', async ({ page }) => {
  await openLab(page, '?backend=cpu');
  await expect(page.getByTestId('model-summary')).toContainText('mnist-cnn', { timeout: 60_000 });
  await page.getByRole('navigation').getByRole('button', { name: 'Data' }).click();
  await expect(page.getByTestId('dataset-facts')).toContainText('mnist-test');
  await page.getByTestId('corruption-select').selectOption('fog');
  await page.getByTestId('show-grid').click();
  const grid = page.getByTestId('corruption-grid');
  await expect(grid.locator('tbody tr')).toHaveCount(23);
  await expect(grid.locator('tbody tr').first().locator('canvas')).toHaveCount(12);
  await expect(grid.locator('tr.highlight')).toContainText('fog');
  expect(new URL(page.url()).searchParams.get('corruption')).toBe('fog');
  await grid.screenshot({ path: 'test-results/corruption-grid.png' });
});

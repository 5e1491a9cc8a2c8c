import type { Page } from '@playwright/test';
import { test, expect, openLab } from './fixtures';
import { writeFolder } from './folders';
import { bundledSample, pngClassFolder } from '../fixtures/labelled-images';

/** Small settings so the lesson runs in about a minute on wasm (as in workshop.spec). */
const SMALL = 'working=400&failures=40&epochs=2&finetune=1&preset=lite&batch=16&suite=0';

async function idle(page: Page): Promise<void> {
  await expect(page.getByTestId('progress')).toHaveCount(0, { timeout: 120_000 });
}

test('a dropped model, clean folder and own drift folder: the Results step measures drift on the drift set\'s held-out part', async ({ page }) => {
  test.setTimeout(300_000);
  // Clean: 12 MNIST test digits per class (28×28 grey). Drift: 20 others per class under heavy fog, as 32×32 RGB PNGs the lab fits back to 28×28 grey.
  const cleanRoot = writeFolder(pngClassFolder(await bundledSample('mnist-test', 12), 'my-clean'));
  const driftRoot = writeFolder(pngClassFolder(await bundledSample('mnist-test', 20, { offset: 5000, corruption: 'fog', severity: 5 }), 'my-fog', { side: 32, rgb: true }));
  const oneClassRoot = writeFolder(pngClassFolder(await bundledSample('mnist-test', 3, { offset: 9000 }), 'only-sevens').filter((f) => f.path.startsWith('only-sevens/7/')));

  await openLab(page, `?backend=wasm&model=none&${SMALL}`);
  await page.getByTestId('model-drop-input').setInputFiles(['public/models/mnist-cnn/model.json', 'public/models/mnist-cnn/group1-shard1of1.bin']);
  await expect(page.getByTestId('model-summary')).toContainText('blocks', { timeout: 60_000 });
  await idle(page);

  await page.getByRole('navigation').getByRole('button', { name: 'Data' }).click();
  await page.getByTestId('dataset-drop-folder-input').setInputFiles(cleanRoot);
  await expect(page.getByTestId('dataset-facts')).toContainText('120 images of 28×28×1, 10 classes');
  const corruption = await page.getByTestId('corruption-select').inputValue();

  // My own drifted images, next to the corruption picker.
  await page.getByTestId('drift-source-own').check();
  await page.getByTestId('drift-drop-folder-input').setInputFiles(driftRoot);
  const facts = page.getByTestId('drift-facts');
  await expect(facts).toContainText('my-fog: 200 images of 28×28×1, 10 classes', { timeout: 60_000 });
  await expect(page.getByTestId('drift-conversions')).toContainText('resized 32×32 → 28×28, RGB → grey (200 images)');
  const hash = await facts.getAttribute('data-hash');
  expect(hash).toMatch(/^sha256:/);
  // The lesson link records the drift set by name, count and content hash.
  const url = new URL(page.url());
  expect([url.searchParams.get('drift'), url.searchParams.get('drift-count'), url.searchParams.get('drift-hash')]).toEqual(['my-fog', '200', hash]);

  await page.screenshot({ path: test.info().outputPath('own-drift-data.png'), fullPage: true });

  // A bad drift set is explained with file, field and fix; the one dropped before stays in use.
  await page.getByTestId('drift-drop-folder-input').setInputFiles(oneClassRoot);
  const error = page.getByTestId('error');
  await expect(error).toContainText('one class only');
  await expect(error).toContainText('File: only-sevens');
  await expect(error).toContainText('Field: classes');
  await expect(error).toContainText('How to fix: Add images of the other classes');
  await page.getByRole('button', { name: 'Dismiss this message' }).click();
  await expect(facts).toHaveAttribute('data-hash', hash!);
  // The corruption chosen before is still there when switching back and forth.
  await page.getByTestId('drift-source-corruption').check();
  await expect(page.getByTestId('corruption-select')).toHaveValue(corruption);
  expect(new URL(page.url()).searchParams.has('drift')).toBe(false);
  await page.getByTestId('drift-source-own').check();
  await expect(facts).toHaveAttribute('data-hash', hash!);

  await page.getByTestId('collect-failures').click();
  await expect(page.getByTestId('failure-summary')).toContainText('Failures in your drift set my-fog', { timeout: 60_000 });
  const heldOut = Number(await page.getByTestId('failure-facts').getAttribute('data-held-out'));
  expect(heldOut).toBeGreaterThan(0);
  expect(Number(await page.getByTestId('failure-facts').getAttribute('data-used'))).toBeGreaterThan(0);

  await page.getByRole('button', { name: 'Next: localize →' }).click();
  await page.getByTestId('run-localize').click();
  await expect(page.getByTestId('localization')).toBeVisible({ timeout: 120_000 });
  await page.getByRole('button', { name: 'Next: search →' }).click();
  await page.getByTestId('search-start').click();
  await expect(page.getByTestId('search-facts')).toBeVisible({ timeout: 120_000 });
  await idle(page);
  await page.getByTestId('run-epochs').click();
  await expect(page.getByTestId('epoch-counter')).toHaveText('2', { timeout: 180_000 });
  await idle(page);
  await page.getByTestId('derive').click();
  await expect(page.getByTestId('derived')).toBeVisible({ timeout: 120_000 });
  await page.getByTestId('to-results').click();
  await expect(page.getByTestId('results-table')).toBeVisible({ timeout: 120_000 });
  await idle(page);

  // Drift accuracy is measured on the drift set's held-out part: the row names the set and counts its held-out images.
  const rows = page.getByTestId('results-table').locator('tbody tr');
  await expect(rows).toHaveCount(2);
  expect(await rows.evaluateAll((trs) => trs.map((r) => r.getAttribute('data-label')))).toEqual(['clean', 'my-fog']);
  const driftRow = page.getByTestId('results-table').locator('tbody tr[data-label="my-fog"]');
  await expect(driftRow.locator('th')).toContainText('my-fog');
  await expect(driftRow.locator('td').last()).toHaveText(String(heldOut));
  // Clean accuracy is measured on the clean set's own held-out part (a part of its 120 images).
  const cleanCount = Number(await page.getByTestId('results-table').locator('tbody tr[data-label="clean"] td').last().innerText());
  expect(cleanCount).toBeGreaterThan(0);
  expect(cleanCount).toBeLessThan(120);

  await page.getByTestId('to-export').click();
  await expect(page.getByTestId('report-md')).toContainText(`Drift set: my-fog, 200 images, content hash ${hash}`, { timeout: 60_000 });
  await expect(page.getByTestId('error')).toHaveCount(0);
  await page.screenshot({ path: test.info().outputPath('own-drift.png'), fullPage: true });
});

test('a lesson link that names a drift set reopens it from this browser\'s cache, and says so when it is not there', async ({ page }) => {
  const driftRoot = writeFolder(pngClassFolder(await bundledSample('mnist-test', 3, { offset: 6000, corruption: 'zigzag' }), 'zigzags'));
  await openLab(page, '?backend=cpu');
  await expect(page.getByTestId('model-summary')).toContainText('mnist-cnn', { timeout: 60_000 });
  await idle(page);
  await page.getByRole('navigation').getByRole('button', { name: 'Data' }).click();
  await page.getByTestId('drift-source-own').check();
  await page.getByTestId('drift-drop-folder-input').setInputFiles(driftRoot);
  const facts = page.getByTestId('drift-facts');
  await expect(facts).toContainText('zigzags: 30 images', { timeout: 60_000 });
  const hash = await facts.getAttribute('data-hash');
  const link = page.url();

  await page.goto(link);
  await expect(page.getByTestId('model-summary')).toContainText('mnist-cnn', { timeout: 60_000 });
  await idle(page);
  await page.getByRole('navigation').getByRole('button', { name: 'Data' }).click();
  await expect(page.getByTestId('drift-source-own')).toBeChecked();
  await expect(facts).toContainText('from this browser\u2019s cache');
  await expect(facts).toHaveAttribute('data-hash', hash!);

  // Another machine (here: another hash) has no such set: the page says to drop it.
  await page.goto(link.replace(/drift-hash=[^&]+/, 'drift-hash=sha256%3Afeed'));
  await expect(page.getByTestId('notice')).toContainText('This lesson uses your own drift set "zigzags" (30 images)', { timeout: 60_000 });
  await expect(page.getByTestId('error')).toHaveCount(0);
});

test('resuming a session made with another drift set than the one dropped now is refused, and works once the same set is dropped again', async ({ page }) => {
  test.setTimeout(180_000);
  const first = writeFolder(pngClassFolder(await bundledSample('mnist-test', 8, { offset: 3000, corruption: 'stripe' }), 'stripes'));
  const second = writeFolder(pngClassFolder(await bundledSample('mnist-test', 4, { offset: 4000, corruption: 'impulse_noise' }), 'specks'));
  await openLab(page, '?backend=wasm&working=200&failures=16&epochs=3&finetune=1&preset=lite&batch=8&suite=0');
  await expect(page.getByTestId('model-summary')).toContainText('mnist-cnn', { timeout: 60_000 });
  await idle(page);
  await page.getByRole('navigation').getByRole('button', { name: 'Data' }).click();
  await page.getByTestId('drift-source-own').check();
  await page.getByTestId('drift-drop-folder-input').setInputFiles(first);
  await expect(page.getByTestId('drift-facts')).toContainText('stripes: 80 images', { timeout: 60_000 });
  await page.getByRole('navigation').getByRole('button', { name: 'Search' }).click();
  await idle(page);
  await page.getByTestId('step-epoch').click();
  await expect(page.getByTestId('checkpoint')).toContainText('epoch 1 saved', { timeout: 120_000 });
  await idle(page);

  await page.getByRole('navigation').getByRole('button', { name: 'Data' }).click();
  await page.getByTestId('drift-drop-folder-input').setInputFiles(second);
  await expect(page.getByTestId('drift-facts')).toContainText('specks: 40 images', { timeout: 60_000 });
  await page.getByTestId('sessions-toggle').click();
  const row = page.getByTestId('session-row').first();
  await expect(row).toContainText('stripes');
  await row.getByTestId('resume-session').click();
  const error = page.getByTestId('error');
  await expect(error).toContainText('This session was made with the drift set "stripes" (80 images, sha256:');
  await expect(error).toContainText('the drift set dropped now is "specks" (40 images');
  await expect(error).toContainText('Field: drift set');
  await expect(error).toContainText('How to fix: Drop the same images as "stripes" again');
  await page.getByRole('button', { name: 'Dismiss this message' }).click();
  // Nothing was lost: the set dropped now is still shown and in use.
  await expect(page.getByTestId('drift-facts')).toContainText('specks: 40 images');

  await page.getByTestId('drift-drop-folder-input').setInputFiles(first);
  await expect(page.getByTestId('drift-facts')).toContainText('stripes: 80 images', { timeout: 60_000 });
  await row.getByTestId('resume-session').click();
  await expect(page.getByTestId('epoch-counter')).toHaveText('1', { timeout: 120_000 });
  await expect(page.getByTestId('error')).toHaveCount(0);
});

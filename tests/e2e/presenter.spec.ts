import AxeBuilder from '@axe-core/playwright';
import { test, expect, openLab } from './fixtures';
import { SMALL_LESSON, waitIdle } from './lesson';

/** The projector this mode is sized for. */
const PROJECTOR = { width: 1280, height: 720 };
/** Set to write the README's screenshot: SCREENSHOT_TO=docs/screenshots/projector-mode.png npx playwright test presenter */
const SCREENSHOT_TO = process.env.SCREENSHOT_TO;

test.use({ viewport: PROJECTOR });

test('projector mode from the URL: large type, the α heat map first, the search buttons on screen, nothing wider than 1280 px', async ({ page }) => {
  test.setTimeout(240_000);
  await openLab(page, `?backend=wasm&${SMALL_LESSON}&present=1`);
  await expect(page.getByTestId('presenter-toggle')).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByTestId('model-summary')).toContainText('mnist-cnn', { timeout: 60_000 });
  await waitIdle(page);
  expect(await page.evaluate(() => parseFloat(getComputedStyle(document.documentElement).fontSize))).toBeGreaterThanOrEqual(20);

  await page.getByRole('navigation').getByRole('button', { name: 'Search' }).click();
  await expect(page.getByTestId('presenter-caption')).toContainText('Search');
  await page.keyboard.press('s');
  await expect(page.getByTestId('search-facts')).toBeAttached({ timeout: 120_000 });
  await waitIdle(page);
  await page.keyboard.press('r');
  await expect(page.getByTestId('alpha-heatmap')).toHaveAttribute('data-epoch', '2', { timeout: 180_000 });
  await waitIdle(page);
  await page.evaluate(() => window.scrollTo(0, 0));

  // The picture comes before the step's text and controls, and the buttons stay on screen.
  const heatmap = await page.getByTestId('alpha-heatmap').boundingBox();
  const stepCard = await page.getByTestId('step-search').boundingBox();
  expect(heatmap!.y).toBeLessThan(stepCard!.y);
  expect(heatmap!.y).toBeLessThan(PROJECTOR.height);
  await expect(page.getByTestId('step-epoch')).toBeInViewport();
  await expect(page.getByTestId('derive')).toBeInViewport();
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PROJECTOR.width);

  const { violations } = await new AxeBuilder({ page }).analyze();
  expect(violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual([]);

  await page.screenshot({ path: test.info().outputPath('projector-mode.png') });
  if (SCREENSHOT_TO) await page.screenshot({ path: SCREENSHOT_TO, type: 'png' });

  // The header toggle turns it off again, and the URL forgets it.
  await page.getByTestId('presenter-toggle').click();
  await expect(page.getByTestId('presenter-toggle')).toHaveAttribute('aria-pressed', 'false');
  await expect(page.getByTestId('presenter-caption')).toHaveCount(0);
  expect(new URL(page.url()).searchParams.has('present')).toBe(false);
  await expect(page.getByTestId('alpha-heatmap')).toHaveAttribute('data-epoch', '2');
  await expect(page.getByTestId('error')).toHaveCount(0);
});

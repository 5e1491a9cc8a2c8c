import type { Page } from '@playwright/test';
import { test, expect, openLab } from './fixtures';
import { SMALL_LESSON, waitIdle } from './lesson';

interface Stop {
  what: string;
  hasIndicator: boolean;
}

/** Tabs through the page once (until focus comes back round), noting for every stop whether a focus indicator shows. */
async function tabStops(page: Page, most = 150): Promise<Stop[]> {
  await page.locator('body').evaluate((b) => (document.activeElement as HTMLElement | null)?.blur?.() ?? b.focus());
  const stops: Stop[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < most; i++) {
    await page.keyboard.press('Tab');
    const stop = await page.evaluate(() => {
      const el = document.activeElement;
      if (!el || el === document.body) return null;
      const path: string[] = [];
      for (let n: Element | null = el; n && n !== document.body; n = n.parentElement) path.unshift(`${n.tagName}:${Array.prototype.indexOf.call(n.parentElement?.children ?? [], n)}`);
      const style = getComputedStyle(el);
      const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
      // SVG boxes draw their own ring (an outline would hug the group's bounding box).
      const ring = el.querySelector(':scope > .focus-ring');
      const hasRing = ring !== null && getComputedStyle(ring).stroke !== 'none';
      return { key: path.join('/'), what: `${el.tagName.toLowerCase()} "${(el.getAttribute('aria-label') ?? el.textContent ?? '').trim().slice(0, 40)}"`, hasIndicator: outline || hasRing };
    });
    if (!stop) continue;
    if (seen.has(stop.key)) break;
    seen.add(stop.key);
    stops.push({ what: stop.what, hasIndicator: stop.hasIndicator });
  }
  return stops;
}

test('every step can be reached and worked from the keyboard, and every focus stop shows where it is', async ({ page }) => {
  test.setTimeout(180_000);
  await openLab(page, `?backend=wasm&${SMALL_LESSON}`);
  await expect(page.getByTestId('model-summary')).toContainText('mnist-cnn', { timeout: 60_000 });
  await waitIdle(page);

  // A block of the diagram is selected with Enter.
  const firstBlock = page.locator('g.block').first();
  await firstBlock.focus();
  await page.keyboard.press('Enter');
  await expect(firstBlock).toHaveAttribute('aria-pressed', 'true');

  for (const step of ['Model', 'Data', 'Localize', 'Search', 'Results', 'Export']) {
    const nav = page.getByRole('navigation').getByRole('button', { name: step });
    await nav.focus();
    await page.keyboard.press('Enter');
    await expect(nav).toHaveAttribute('aria-current', 'step');
    const stops = await tabStops(page);
    expect(stops.length, `focus stops on ${step}`).toBeGreaterThan(8);
    expect(stops.filter((s) => !s.hasIndicator).map((s) => s.what), `stops without a visible focus on ${step}`).toEqual([]);
  }

  // The search is driven from the keyboard alone: Data → find failures with Enter, then the shortcuts.
  await page.getByRole('navigation').getByRole('button', { name: 'Data' }).focus();
  await page.keyboard.press('Enter');
  await page.getByTestId('collect-failures').focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('failure-summary')).toBeVisible({ timeout: 60_000 });
  await waitIdle(page);
  await page.getByRole('navigation').getByRole('button', { name: 'Search' }).focus();
  await page.keyboard.press('Enter');
  await page.keyboard.press('a');
  await expect(page.getByTestId('search-facts')).toHaveAttribute('data-half-steps', '1', { timeout: 120_000 });
  await waitIdle(page);
  await expect(page.getByTestId('error')).toHaveCount(0);
});

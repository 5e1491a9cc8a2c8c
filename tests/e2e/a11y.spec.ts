import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { test, expect, openLab } from './fixtures';
import { SMALL_LESSON, runDefaultLesson, waitIdle, type LessonStep } from './lesson';

/** The page languages to check (lang= in the URL). */
const LANGUAGES = ['en', 'ja'] as const;

/** What blocks a reader: axe's serious and critical findings, as short lines a failure message can show. */
async function seriousViolations(page: Page): Promise<string[]> {
  // Text equivalents (the tables behind "As a table") are checked too.
  await page.locator('details').evaluateAll((all) => all.forEach((d) => ((d as HTMLDetailsElement).open = true)));
  const { violations } = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
}

for (const lang of LANGUAGES) {
  test(`[${lang}] axe finds no serious or critical violation on any of the six steps`, async ({ page }) => {
    test.setTimeout(360_000);
    await openLab(page, `?backend=wasm&${SMALL_LESSON}&lang=${lang}`);
    const found: Partial<Record<LessonStep, string[]>> = {};
    await runDefaultLesson(page, async (step) => {
      if (step === 'data') {
        await page.getByTestId('show-grid').click();
        await expect(page.getByTestId('corruption-grid')).toBeVisible({ timeout: 60_000 });
      }
      found[step] = await seriousViolations(page);
    }, { lang });
    expect(Object.keys(found)).toEqual(['model', 'data', 'localize', 'search', 'results', 'export']);
    expect(found).toEqual({ model: [], data: [], localize: [], search: [], results: [], export: [] });
  });
}

/** The Settings button's name in each language. */
const SETTINGS = { en: 'Settings', ja: '設定' } as const;

for (const lang of LANGUAGES) {
  test(`[${lang}] axe finds no serious or critical violation in the settings and sessions panels, nor with the user's own drift set chosen`, async ({ page }) => {
    await openLab(page, `?backend=cpu&lang=${lang}`);
    await page.getByRole('button', { name: SETTINGS[lang] }).click();
    await page.getByTestId('sessions-toggle').click();
    await expect(page.locator('#settings')).toBeVisible();
    expect(await seriousViolations(page)).toEqual([]);
    await expect(page.getByTestId('model-summary')).toContainText('mnist-cnn', { timeout: 60_000 });
    await waitIdle(page);
    await page.getByRole('navigation').getByRole('button').nth(1).click();
    await page.getByTestId('drift-source-own').check();
    await expect(page.getByTestId('drift-drop')).toBeVisible();
    expect(await seriousViolations(page)).toEqual([]);
  });
}

test('axe finds no serious or critical violation in the component gallery', async ({ page }) => {
  await page.goto('/?view=gallery');
  await expect(page.getByTestId('alpha-heatmap').first()).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);
});

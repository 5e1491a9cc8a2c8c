import { test, expect } from './fixtures';
import type { Page } from '@playwright/test';
import { SMALL_LESSON, runDefaultLesson, waitIdle } from './lesson';

/** Hiragana, katakana or kanji. */
const JAPANESE = /[\u3040-\u30ff\u4e00-\u9faf]/;

/** A full-page screenshot of the step under test-results/, after checking the step's text is Japanese. */
async function shot(page: Page, name: string, heading: string): Promise<void> {
  const main = page.locator('main');
  await expect(main.getByRole('heading', { level: 2, name: heading })).toBeVisible();
  expect(await main.innerText()).toMatch(JAPANESE);
  await page.screenshot({ path: test.info().outputPath(`ja-${name}.png`), fullPage: true });
}

test('the whole default lesson in Japanese (lang=ja), a screenshot per step, and switching to English keeps the work', async ({ page }) => {
  test.setTimeout(300_000);
  // The same small lesson as workshop.spec.ts, in Japanese (lang=ja in the lesson URL).
  await page.goto(`/?backend=wasm&lang=ja&${SMALL_LESSON}`);
  await expect(page.getByTestId('backend')).toContainText('バックエンド:', { timeout: 60_000 });
  await expect(page.locator('html')).toHaveAttribute('lang', 'ja');
  await expect(page.getByTestId('language-select')).toHaveValue('ja');
  await runDefaultLesson(
    page,
    async (step) => {
      if (step === 'model') {
        // The lesson URL keeps the language, so a shared link opens in Japanese.
        expect(new URL(page.url()).searchParams.get('lang')).toBe('ja');
        await expect(page.getByRole('navigation', { name: '修復の手順' })).toBeVisible();
        await shot(page, '1-model', 'モデル');
      } else if (step === 'data') {
        await expect(page.getByTestId('failure-facts')).toContainText('取り置いたドリフト画像');
        await page.getByTestId('show-grid').click();
        await expect(page.getByTestId('corruption-grid')).toContainText('強度 1', { timeout: 60_000 });
        await shot(page, '2-data', 'データ');
      } else if (step === 'localize') {
        await expect(page.getByTestId('localization-facts')).toContainText('最も疑わしいブロック');
        await shot(page, '3-localize', '特定');
      } else if (step === 'search') {
        await expect(page.getByTestId('derive-candidates')).toContainText('元のモデル');
        await shot(page, '4-search', '探索');
      } else if (step === 'results') {
        const verdict = await page.getByTestId('results-verdict').getAttribute('data-verdict');
        await expect(page.getByTestId('results-verdict')).toContainText(verdict === 'no-repair' ? 'クリーン精度を保つ修復は見つかりませんでした' : '修復できました');
        await expect(page.getByTestId('results-table')).toContainText('クリーン');
        await shot(page, '5-results', '結果');
      } else {
        // The report shown (and downloaded) is written in Japanese from the engine's report data.
        await expect(page.getByTestId('report-md')).toContainText('ArchRepair Lab レポート: mnist-cnn');
        await expect(page.getByTestId('report-md')).toContainText('## 取り置いた画像での精度');
        const download = page.waitForEvent('download');
        await page.getByTestId('download-report-md').click();
        const file = await (await download).path();
        const { readFileSync } = await import('node:fs');
        expect(readFileSync(file, 'utf8')).toContain('## 判定');
        await shot(page, '6-export', '書き出し');
      }
    },
    {
      lang: 'ja',
      beforeEpochs: async () => {
        await page.keyboard.press('a');
        await expect(page.getByTestId('search-facts')).toHaveAttribute('data-half-steps', '1', { timeout: 60_000 });
        await waitIdle(page);
        await expect(page.getByTestId('cell-label')).toContainText('半ステップ');
      },
      afterEpochs: async () => {
        await expect(page.getByTestId('epoch-counter')).toHaveText('2');
        await expect(page.getByTestId('checkpoint')).toContainText('エポック 2 を保存済み');
        await expect(page.getByTestId('alpha-entropy')).toContainText('α エントロピー');
        await page.screenshot({ path: test.info().outputPath('ja-readme-search.png') });
      },
    },
  );

  // Switching the language in the header re-renders in place: the lab's work stays, the URL follows.
  await page.getByTestId('language-select').selectOption('en');
  await expect(page.locator('main').getByRole('heading', { level: 2, name: 'Export' })).toBeVisible();
  await expect(page.getByTestId('report-md')).toContainText('ArchRepair Lab report: mnist-cnn');
  await expect(page.getByTestId('export-files')).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  expect(new URL(page.url()).searchParams.get('lang')).toBe('en');
  await expect(page.getByTestId('error')).toHaveCount(0);
});

test('the language follows the browser when the URL names none', async ({ browser, baseURL }) => {
  const context = await browser.newContext({ locale: 'ja-JP', baseURL });
  const page = await context.newPage();
  await page.goto('/?backend=cpu&model=none');
  await expect(page.getByTestId('backend')).toContainText('バックエンド:', { timeout: 60_000 });
  await expect(page.getByRole('navigation').getByRole('button', { name: 'モデル' })).toBeVisible();
  await context.close();
});

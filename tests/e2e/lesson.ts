import { expect, type Page } from '@playwright/test';

/** Small settings so the whole lesson runs in about a minute on wasm on a 2-core machine. */
export const SMALL_LESSON = 'working=400&failures=40&epochs=2&finetune=1&preset=lite&batch=16&suite=0';

/** The six steps, in the order the lesson visits them. */
export type LessonStep = 'model' | 'data' | 'localize' | 'search' | 'results' | 'export';

/** The buttons the walk presses, by their names in each page language (found as a reader finds them). */
const BUTTONS = {
  en: { data: 'Data', nextLocalize: 'Next: localize →', nextSearch: 'Next: search →' },
  ja: { data: 'データ', nextLocalize: '次へ: 特定 →', nextSearch: '次へ: 探索 →' },
} as const;

/** The page languages the lesson can be walked in (lang= in the URL). */
export type LessonLanguage = keyof typeof BUTTONS;

/** What a spec adds to the walk besides its checks at each step. */
export interface LessonOptions {
  /** The page's language (default English): the walk presses the buttons by their names in it. */
  lang?: LessonLanguage;
  /** Search step: after the search has started and before the epochs run (half steps, a single epoch…); the walk then runs the remaining epochs. */
  beforeEpochs?: () => Promise<void>;
  /** Search step: after the last epoch and before deriving. */
  afterEpochs?: () => Promise<void>;
}

/** Waits until no job is running (the progress bar is gone). */
export async function waitIdle(page: Page): Promise<void> {
  await expect(page.getByTestId('progress')).toHaveCount(0, { timeout: 120_000 });
}

/**
 * Walks the default lesson through all six steps on an open lab (mnist-cnn with its card's worst
 * corruption), calling `atStep` once each step shows its result. The one lesson walk of the e2e
 * tests: the workshop specs (English and Japanese), offline and accessibility run it with their
 * own checks.
 */
export async function runDefaultLesson(page: Page, atStep: (step: LessonStep) => Promise<void> = async () => undefined, options: LessonOptions = {}): Promise<void> {
  const buttons = BUTTONS[options.lang ?? 'en'];
  await expect(page.getByTestId('model-summary')).toContainText('mnist-cnn', { timeout: 60_000 });
  await expect(page.getByTestId('block-diagram')).toBeVisible();
  await waitIdle(page);
  await atStep('model');

  await page.getByRole('navigation').getByRole('button', { name: buttons.data }).click();
  await expect(page.getByTestId('dataset-facts')).toContainText('mnist-test');
  await page.getByTestId('collect-failures').click();
  await expect(page.getByTestId('failure-summary')).toBeVisible({ timeout: 60_000 });
  await waitIdle(page);
  await atStep('data');

  await page.getByRole('button', { name: buttons.nextLocalize }).click();
  await page.getByTestId('run-localize').click();
  await expect(page.getByTestId('localization')).toBeVisible({ timeout: 120_000 });
  await waitIdle(page);
  await atStep('localize');

  await page.getByRole('button', { name: buttons.nextSearch }).click();
  await page.getByTestId('search-start').click();
  await expect(page.getByTestId('search-facts')).toBeVisible({ timeout: 120_000 });
  await waitIdle(page);
  await options.beforeEpochs?.();
  await page.getByTestId('run-epochs').click();
  await expect(page.getByTestId('alpha-heatmap')).toHaveAttribute('data-epoch', '2', { timeout: 240_000 });
  await waitIdle(page);
  await options.afterEpochs?.();
  await page.getByTestId('derive').click();
  await expect(page.getByTestId('derived')).toBeVisible({ timeout: 120_000 });
  await waitIdle(page);
  await atStep('search');

  await page.getByTestId('to-results').click();
  await expect(page.getByTestId('results-table')).toBeVisible({ timeout: 120_000 });
  await waitIdle(page);
  await atStep('results');

  await page.getByTestId('to-export').click();
  await expect(page.getByTestId('export-files')).toBeVisible({ timeout: 60_000 });
  await waitIdle(page);
  await atStep('export');
  await expect(page.getByTestId('error')).toHaveCount(0);
}

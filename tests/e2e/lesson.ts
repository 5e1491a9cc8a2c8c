import { expect, type Page } from '@playwright/test';

/** Small settings so the whole lesson runs in about a minute on wasm on a 2-core machine. */
export const SMALL_LESSON = 'working=400&failures=40&epochs=2&finetune=1&preset=lite&batch=16&suite=0';

/** The six steps, in the order the lesson visits them. */
export type LessonStep = 'model' | 'data' | 'localize' | 'search' | 'results' | 'export';

/** Waits until no job is running (the progress bar is gone). */
export async function waitIdle(page: Page): Promise<void> {
  await expect(page.getByTestId('progress')).toHaveCount(0, { timeout: 120_000 });
}

/**
 * Walks the default lesson through all six steps on an open lab (mnist-cnn with its card's worst
 * corruption), calling `atStep` once each step shows its result: the offline and accessibility
 * specs run the same lesson as workshop.spec.ts, with fewer checks of their own.
 */
export async function runDefaultLesson(page: Page, atStep: (step: LessonStep) => Promise<void> = async () => undefined): Promise<void> {
  await expect(page.getByTestId('model-summary')).toContainText('mnist-cnn', { timeout: 60_000 });
  await expect(page.getByTestId('block-diagram')).toBeVisible();
  await waitIdle(page);
  await atStep('model');

  await page.getByRole('navigation').getByRole('button', { name: 'Data' }).click();
  await expect(page.getByTestId('dataset-facts')).toContainText('mnist-test');
  await page.getByTestId('collect-failures').click();
  await expect(page.getByTestId('failure-summary')).toBeVisible({ timeout: 60_000 });
  await waitIdle(page);
  await atStep('data');

  await page.getByRole('navigation').getByRole('button', { name: 'Localize' }).click();
  await page.getByTestId('run-localize').click();
  await expect(page.getByTestId('localization')).toBeVisible({ timeout: 120_000 });
  await waitIdle(page);
  await atStep('localize');

  await page.getByRole('navigation').getByRole('button', { name: 'Search' }).click();
  await page.getByTestId('search-start').click();
  await expect(page.getByTestId('search-facts')).toBeVisible({ timeout: 120_000 });
  await waitIdle(page);
  await page.getByTestId('run-epochs').click();
  await expect(page.getByTestId('alpha-heatmap')).toHaveAttribute('data-epoch', '2', { timeout: 240_000 });
  await waitIdle(page);
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

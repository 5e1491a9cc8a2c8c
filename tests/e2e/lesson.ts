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
  /** The demo the lab opened and its card's test set (default: the page's default demo, mnist-cnn on mnist-test). */
  demo?: { model: string; testSet: string };
  /** Multiplies every wait of the walk (the page's full-size defaults on a busy machine take longer than the specs' small lesson). */
  timeoutScale?: number;
}

/** Waits until no job is running (the progress bar is gone). */
export async function waitIdle(page: Page, timeout = 120_000): Promise<void> {
  await expect(page.getByTestId('progress')).toHaveCount(0, { timeout });
}

/**
 * Walks the default lesson through all six steps on an open lab (mnist-cnn, or `options.demo`,
 * with its card's worst corruption), calling `atStep` once each step shows its result; the search
 * runs the lesson's planned epochs. The one lesson walk of the e2e tests: the workshop specs
 * (English and Japanese), offline and accessibility run it with their own checks, and
 * `npm run lesson:chromium` at the page's defaults on each demo.
 */
export async function runDefaultLesson(page: Page, atStep: (step: LessonStep) => Promise<void> = async () => undefined, options: LessonOptions = {}): Promise<void> {
  const buttons = BUTTONS[options.lang ?? 'en'];
  const demo = options.demo ?? { model: 'mnist-cnn', testSet: 'mnist-test' };
  const t = (ms: number) => ms * (options.timeoutScale ?? 1);
  const idle = () => waitIdle(page, t(120_000));
  await expect(page.getByTestId('model-summary')).toContainText(demo.model, { timeout: t(60_000) });
  await expect(page.getByTestId('block-diagram')).toBeVisible();
  await idle();
  await atStep('model');

  await page.getByRole('navigation').getByRole('button', { name: buttons.data }).click();
  await expect(page.getByTestId('dataset-facts')).toContainText(demo.testSet);
  await page.getByTestId('collect-failures').click();
  await expect(page.getByTestId('failure-summary')).toBeVisible({ timeout: t(60_000) });
  await idle();
  await atStep('data');
  await walkFromLocalize(page, atStep, options);
}

/**
 * The rest of the lesson walk once failures are collected: localize → search (the planned epochs)
 * → derive → results → export, calling `atStep` as runDefaultLesson does. Specs that collect their
 * failures their own way (a dropped drift set) walk on from here.
 */
export async function walkFromLocalize(page: Page, atStep: (step: LessonStep) => Promise<void> = async () => undefined, options: LessonOptions = {}): Promise<void> {
  const buttons = BUTTONS[options.lang ?? 'en'];
  const t = (ms: number) => ms * (options.timeoutScale ?? 1);
  const idle = () => waitIdle(page, t(120_000));
  await page.getByRole('button', { name: buttons.nextLocalize }).click();
  await page.getByTestId('run-localize').click();
  await expect(page.getByTestId('localization')).toBeVisible({ timeout: t(120_000) });
  await idle();
  await atStep('localize');

  await page.getByRole('button', { name: buttons.nextSearch }).click();
  await page.getByTestId('search-start').click();
  await expect(page.getByTestId('search-facts')).toBeVisible({ timeout: t(120_000) });
  await idle();
  await options.beforeEpochs?.();
  // The lesson's planned epochs (2 in SMALL_LESSON, the workshop default's 4 without one).
  const planned = await page.getByTestId('epochs').inputValue();
  await page.getByTestId('run-epochs').click();
  await expect(page.getByTestId('alpha-heatmap')).toHaveAttribute('data-epoch', planned, { timeout: t(240_000) });
  await idle();
  await options.afterEpochs?.();
  await page.getByTestId('derive').click();
  await expect(page.getByTestId('derived')).toBeVisible({ timeout: t(120_000) });
  await idle();
  await atStep('search');

  await page.getByTestId('to-results').click();
  await expect(page.getByTestId('results-table')).toBeVisible({ timeout: t(120_000) });
  await idle();
  await atStep('results');

  await page.getByTestId('to-export').click();
  await expect(page.getByTestId('export-files')).toBeVisible({ timeout: t(60_000) });
  await idle();
  await atStep('export');
  await expect(page.getByTestId('error')).toHaveCount(0);
}

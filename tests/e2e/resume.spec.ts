import { test, expect, openLab } from './fixtures';
import type { Page } from '@playwright/test';

// Enough repair images that an epoch lasts a few seconds on wasm, so the reload lands mid-epoch.
const LESSON = 'backend=wasm&working=1000&failures=150&epochs=4&finetune=1&preset=lite&batch=16&suite=0';

interface Probe { history: { epoch: number; alphaSoftmax: number[][] }[]; live: { alphaSoftmax: number[][] } | null }
const state = (page: Page) => page.evaluate(() => {
  const lab = (window as unknown as { archrepairLab: Probe }).archrepairLab;
  return { history: lab.history.map((m) => ({ epoch: m.epoch, alphaSoftmax: m.alphaSoftmax })), live: lab.live ? { alphaSoftmax: lab.live.alphaSoftmax } : null };
});

test('a search survives a reload mid-epoch: resume restores the last checkpoint and continues', async ({ page }) => {
  test.setTimeout(240_000);
  await openLab(page, `?${LESSON}`);
  await expect(page.getByTestId('model-summary')).toContainText('mnist-cnn', { timeout: 60_000 });
  await page.getByRole('navigation').getByRole('button', { name: 'Search' }).click();
  await expect(page.getByTestId('progress')).toHaveCount(0, { timeout: 60_000 });
  // Stepping an epoch with nothing prepared runs failures → localize → start search first.
  await page.getByTestId('step-epoch').click();
  await expect(page.getByTestId('checkpoint')).toContainText('epoch 1 saved', { timeout: 180_000 });
  const before = await state(page);
  expect(before.history.map((m) => m.epoch)).toEqual([1]);

  await page.getByTestId('run-epochs').click();
  await expect(page.getByTestId('progress')).toContainText('search: epoch 2', { timeout: 60_000 });
  await page.reload();
  await expect(page.getByTestId('backend')).toContainText('backend:', { timeout: 60_000 });

  // The lab offers the unfinished session; resume it.
  await expect(page.getByTestId('notice')).toContainText('An unfinished search was found', { timeout: 60_000 });
  await page.getByRole('button', { name: 'Show sessions' }).click();
  const row = page.getByTestId('session-row').first();
  await expect(row).toHaveAttribute('data-epoch', '1');
  await row.getByTestId('resume-session').click();
  await expect(page.getByTestId('epoch-counter')).toHaveText('1', { timeout: 180_000 });
  const after = await state(page);
  // α is the checkpoint's, value for value.
  expect(after.history).toEqual(before.history);
  expect(after.live?.alphaSoftmax).toEqual(before.history[0].alphaSoftmax);
  await expect(page.getByTestId('alpha-heatmap')).toHaveAttribute('data-epoch', '1');

  // …and the run continues from there.
  await expect(page.getByTestId('progress')).toHaveCount(0, { timeout: 60_000 });
  await page.keyboard.press('e');
  await expect(page.getByTestId('epoch-counter')).toHaveText('2', { timeout: 120_000 });
  await expect(page.getByTestId('checkpoint')).toContainText('epoch 2 saved');
  await expect(page.getByTestId('error')).toHaveCount(0);
});

test('a session exported to a file, deleted and imported again resumes where it was', async ({ page }) => {
  test.setTimeout(180_000);
  await openLab(page, '?backend=wasm&working=200&failures=16&epochs=3&finetune=1&preset=lite&batch=8&suite=0');
  await expect(page.getByTestId('model-summary')).toContainText('mnist-cnn', { timeout: 60_000 });
  await page.getByRole('navigation').getByRole('button', { name: 'Search' }).click();
  await expect(page.getByTestId('progress')).toHaveCount(0, { timeout: 60_000 });
  await page.keyboard.press('e');
  await expect(page.getByTestId('checkpoint')).toContainText('epoch 1 saved', { timeout: 120_000 });
  const alpha = await page.evaluate(() => (window as unknown as { archrepairLab: { history: { alphaSoftmax: number[][] }[] } }).archrepairLab.history[0].alphaSoftmax);

  await page.getByTestId('sessions-toggle').click();
  const panel = page.getByTestId('sessions-panel');
  await expect(panel.getByTestId('session-row')).toHaveCount(1);
  const download = page.waitForEvent('download');
  await panel.getByRole('button', { name: 'Export file' }).click();
  const file = test.info().outputPath('session.arlab');
  await (await download).saveAs(file);
  await panel.getByRole('button', { name: /^Delete session/ }).click();
  await expect(panel.getByTestId('session-row')).toHaveCount(0);

  // A fresh page (a student's laptop): import the file and resume.
  await page.reload();
  await expect(page.getByTestId('model-summary')).toContainText('mnist-cnn', { timeout: 60_000 });
  await expect(page.getByTestId('progress')).toHaveCount(0, { timeout: 60_000 });
  await page.getByTestId('sessions-toggle').click();
  await expect(panel.getByTestId('session-row')).toHaveCount(0);
  await page.getByTestId('session-drop-input').setInputFiles(file);
  await expect(panel.getByTestId('session-row')).toHaveCount(1);
  await expect(page.getByTestId('notice').last()).toContainText('with 1 checkpoint');
  await expect(page.getByTestId('notice').last()).not.toContainText('not in the file');
  await panel.getByTestId('resume-session').click();
  await expect(page.getByTestId('epoch-counter')).toHaveText('1', { timeout: 120_000 });
  await expect(page.getByTestId('progress')).toHaveCount(0, { timeout: 60_000 });
  const resumed = await page.evaluate(() => (window as unknown as { archrepairLab: { live: { alphaSoftmax: number[][] } } }).archrepairLab.live.alphaSoftmax);
  expect(resumed).toEqual(alpha);
  await page.screenshot({ path: test.info().outputPath('sessions.png'), fullPage: true });
  await expect(page.getByTestId('error')).toHaveCount(0);
});

test('a session open in one tab cannot be taken over by a second tab while the first holds it', async ({ page, context }) => {
  test.setTimeout(180_000);
  const lesson = '?backend=wasm&working=200&failures=16&epochs=3&finetune=1&preset=lite&batch=8&suite=0';
  await openLab(page, lesson);
  await expect(page.getByTestId('model-summary')).toContainText('mnist-cnn', { timeout: 60_000 });
  await page.getByRole('navigation').getByRole('button', { name: 'Search' }).click();
  await expect(page.getByTestId('progress')).toHaveCount(0, { timeout: 60_000 });
  await page.keyboard.press('e');
  await expect(page.getByTestId('checkpoint')).toContainText('epoch 1 saved', { timeout: 120_000 });

  const second = await context.newPage();
  await openLab(second, lesson);
  await expect(second.getByTestId('notice')).toContainText('An unfinished search was found', { timeout: 60_000 });
  await expect(second.getByTestId('progress')).toHaveCount(0, { timeout: 60_000 });
  await second.getByRole('button', { name: 'Show sessions' }).click();
  await second.getByTestId('resume-session').click();
  await expect(second.getByTestId('error')).toContainText('This session is open in another tab');
  // The first tab keeps working on it.
  await page.keyboard.press('e');
  await expect(page.getByTestId('checkpoint')).toContainText('epoch 2 saved', { timeout: 120_000 });
  await second.close();
});

test('killing the worker at random moments of an epoch and its checkpoint write (20 reloads) always resumes a complete checkpoint', async ({ page }) => {
  test.setTimeout(360_000);
  await openLab(page, '?backend=wasm&working=120&failures=12&epochs=50&finetune=1&preset=lite&batch=8&suite=0');
  await expect(page.getByTestId('model-summary')).toContainText('mnist-cnn', { timeout: 60_000 });
  await page.getByRole('navigation').getByRole('button', { name: 'Search' }).click();
  await expect(page.getByTestId('progress')).toHaveCount(0, { timeout: 60_000 });
  await page.keyboard.press('e');
  await expect(page.getByTestId('checkpoint')).toContainText('epoch 1 saved', { timeout: 120_000 });
  let lastSeen = 1;
  for (let round = 0; round < 20; round++) {
    // Start epochs and pull the plug somewhere inside one (its training or its checkpoint write).
    await page.keyboard.press('r');
    await page.waitForTimeout(200 + ((round * 173) % 900));
    await page.reload();
    await expect(page.getByTestId('backend')).toContainText('backend:', { timeout: 60_000 });
    await expect(page.getByTestId('progress')).toHaveCount(0, { timeout: 60_000 });
    await page.getByTestId('sessions-toggle').click();
    const row = page.getByTestId('session-row').first();
    const stored = Number(await row.getAttribute('data-epoch'));
    expect(stored).toBeGreaterThanOrEqual(lastSeen);
    await row.getByTestId('resume-session').click();
    await expect(page.getByTestId('epoch-counter')).toHaveText(String(stored), { timeout: 60_000 });
    await expect(page.getByTestId('progress')).toHaveCount(0, { timeout: 60_000 });
    // The restored α (the checkpoint's) is the α the session record logged for that epoch: both halves of one write.
    const check = await page.evaluate(() => {
      const lab = (window as unknown as { archrepairLab: { search: { alphaSoftmax: number[][] }; history: { epoch: number; alphaSoftmax: number[][] }[] } }).archrepairLab;
      return { restored: lab.search.alphaSoftmax, logged: lab.history.at(-1)!.alphaSoftmax, epochs: lab.history.map((m) => m.epoch) };
    });
    expect(check.restored).toEqual(check.logged);
    expect(check.epochs).toEqual(Array.from({ length: stored }, (_, i) => i + 1));
    lastSeen = stored;
  }
  await expect(page.getByTestId('error')).toHaveCount(0);
});

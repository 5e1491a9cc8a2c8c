import { test, expect, openLab } from './fixtures';
import { writeFolder } from './folders';
import { waitIdle, walkFromLocalize } from './lesson';
import { bundledSample, pngClassFolder } from '../fixtures/labelled-images';

/**
 * The do-no-harm rule end to end. The drift set is clean digits labelled as the next digit, so any
 * gain on it costs clean accuracy (and accuracy under every corruption); the lesson loosens the
 * selection's clean bound to 100 points and switches the robustness guard off, so the selection
 * keeps the candidate that learned most of it. The held-out check keeps the 0.5-point bound: the
 * page must present that model as a candidate, never as repaired.
 */
const LESSON = 'working=400&failures=120&epochs=2&finetune=3&preset=lite&batch=16&suite=0&clean-bound=100&guard=0';

test('a model worse on held-out clean images is never offered as repaired, even when the lesson loosens the selection\'s bound', async ({ page }) => {
  test.setTimeout(300_000);
  const digits = pngClassFolder(await bundledSample('mnist-test', 40, { offset: 5000 }), 'next-digit');
  const relabelled = digits.map((f) => ({ ...f, path: f.path.replace(/^next-digit\/(\d)\//, (_, d: string) => `next-digit/${(Number(d) + 1) % 10}/`) }));
  const driftRoot = writeFolder(relabelled);

  await openLab(page, `?backend=wasm&${LESSON}`);
  await expect(page.getByTestId('model-summary')).toContainText('mnist-cnn', { timeout: 60_000 });
  await waitIdle(page);
  await page.getByRole('navigation').getByRole('button', { name: 'Data' }).click();
  await page.getByTestId('drift-source-own').check();
  await page.getByTestId('drift-drop-folder-input').setInputFiles(driftRoot);
  await expect(page.getByTestId('drift-facts')).toContainText('next-digit: 400 images', { timeout: 60_000 });
  await page.getByTestId('collect-failures').click();
  await expect(page.getByTestId('failure-summary')).toContainText('next-digit', { timeout: 60_000 });
  await waitIdle(page);

  await walkFromLocalize(
    page,
    async (step) => {
      if (step === 'search') {
        // On validation images the loosened bound lets a candidate through.
        await expect(page.getByTestId('derive-verdict')).toHaveAttribute('data-verdict', 'repaired');
      } else if (step === 'results') {
        const clean = page.getByTestId('results-table').locator('tbody tr[data-label="clean"]');
        const drop = Number(await clean.getAttribute('data-before')) - Number(await clean.getAttribute('data-after'));
        expect(drop).toBeGreaterThan(0.005);
        const banner = page.getByTestId('results-verdict');
        await expect(banner).toHaveAttribute('data-standing', 'clean-shortfall');
        await expect(banner).toContainText('Not a repair on clean data');
        await expect(banner).not.toContainText('Repaired');
      } else if (step === 'export') {
        await expect(page.getByTestId('export-verdict')).toHaveAttribute('data-verdict', 'clean-shortfall');
        await expect(page.getByTestId('export-files')).toHaveAttribute('data-verdict', 'clean-shortfall');
        const offered = [await page.getByTestId('export-files').innerText(), await page.getByTestId('save-repaired').innerText(), await page.getByTestId('export-intro').innerText()].join(' ');
        expect(offered).not.toMatch(/repaired/i);
        await expect(page.getByTestId('export-model-label')).toContainText('candidate model (not a repair');
        await page.getByTestId('save-repaired').click();
        await expect(page.getByTestId('saved-repaired')).toContainText('mnist-cnn-candidate');
        await expect(page.getByTestId('saved-repaired')).toContainText('not a repair on clean data');
        await expect(page.getByTestId('report-md')).toContainText('Held-out check');
      }
    },
    {
      beforeEpochs: async () => {
        await expect(page.getByTestId('clean-bound')).toHaveValue('100');
        await expect(page.getByTestId('robustness-guard')).not.toBeChecked();
      },
    },
  );
});

import { test, expect, openLab } from './fixtures';

test('the page loads with the six steps and, with no parameters, calibrates and picks wasm with threads', async ({ page }) => {
  await openLab(page);
  const nav = page.getByRole('navigation', { name: 'Steps of a repair' });
  for (const step of ['Model', 'Data', 'Localize', 'Search', 'Results', 'Export']) {
    await expect(nav.getByRole('button', { name: step })).toBeVisible();
  }
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  // On this machine WebGPU and WebGL are SwiftShader: wasm must win the calibration.
  await expect(page.getByTestId('backend')).toHaveText(/backend: wasm\s*$/);
  await expect(page.getByTestId('software-gpu-warning')).toHaveCount(0);
  const threads = Number(await page.getByTestId('threads').getAttribute('data-threads'));
  expect(threads).toBeGreaterThanOrEqual(Math.min(2, await page.evaluate(() => navigator.hardwareConcurrency)));
  await expect(page.getByTestId('memory')).toContainText('tensors');

  await page.getByRole('button', { name: 'Settings' }).click();
  const table = page.getByTestId('calibration');
  await expect(table).toHaveAttribute('data-chosen', 'wasm');
  await expect(table).toHaveAttribute('data-source', 'measured');
  for (const backend of ['wasm', 'webgpu', 'webgl', 'cpu']) await expect(page.getByTestId(`calibration-${backend}`)).toBeVisible();
  await expect(page.getByTestId('calibration-webgpu')).toContainText('software GPU');
  await expect(page.getByTestId('calibration-wasm')).toContainText(`${threads} threads`);
  const speed = async (backend: string) => Number(await page.getByTestId(`calibration-${backend}`).getAttribute('data-samples-per-second'));
  expect(await speed('wasm')).toBeGreaterThan(await speed('webgpu'));
  await expect(page.getByTestId('calibration-reason')).toContainText('Chosen: wasm');
  await expect(page.getByTestId('isolation')).toContainText('cross-origin isolated: yes');

  // The choice is remembered for this device: a reload does not measure again.
  await page.reload();
  await expect(page.getByTestId('backend')).toHaveText(/backend: wasm\s*$/, { timeout: 60_000 });
  await page.getByRole('button', { name: 'Settings' }).click();
  await expect(page.getByTestId('calibration')).toHaveAttribute('data-source', 'stored');
});

test('re-calibrate measures every backend again and keeps wasm', async ({ page }) => {
  await openLab(page, '?backend=cpu');
  await page.getByRole('button', { name: 'Settings' }).click();
  await page.getByTestId('recalibrate').click();
  await expect(page.getByTestId('calibration')).toHaveAttribute('data-source', 'measured', { timeout: 90_000 });
  await expect(page.getByTestId('backend')).toHaveText(/backend: wasm\s*$/);
  expect(new URL(page.url()).searchParams.get('backend')).toBeNull();
});

test('?backend=webgpu forces WebGPU on SwiftShader and warns that it is a software adapter', async ({ page }) => {
  await openLab(page, '?backend=webgpu');
  await expect(page.getByTestId('backend')).toContainText('webgpu');
  await expect(page.getByTestId('backend')).toContainText('forced');
  await expect(page.getByTestId('software-gpu-warning')).toContainText('software adapter');
  await expect(page.getByTestId('threads')).toHaveCount(0);
});

test('the engine check trains in the worker on webgpu and its loss falls', async ({ page }) => {
  await openLab(page, '?backend=webgpu');
  await page.getByRole('button', { name: 'Settings' }).click();
  await page.getByTestId('check-batches').fill('25');
  await page.getByRole('button', { name: 'Run engine check' }).click();
  const result = page.getByTestId('engine-check-result');
  await expect(result).toBeVisible({ timeout: 90_000 });
  await expect(result).toHaveAttribute('data-backend', 'webgpu');
  const first = Number(await result.getAttribute('data-first-loss'));
  const last = Number(await result.getAttribute('data-last-loss'));
  expect(Number.isFinite(first) && Number.isFinite(last)).toBe(true);
  expect(last).toBeLessThan(first * 0.8);
  await expect(result).toContainText('0 tensors leaked');
});

test('?backend=cpu forces the cpu backend, and the settings control switches it', async ({ page }) => {
  await openLab(page, '?backend=cpu');
  await expect(page.getByTestId('backend')).toContainText('cpu');
  await expect(page.getByTestId('backend')).toContainText('forced');
  await expect(page.getByTestId('software-gpu-warning')).toHaveCount(0);
  await page.getByRole('button', { name: 'Settings' }).click();
  await page.getByTestId('backend-select').selectOption('webgl');
  await expect(page.getByTestId('backend')).toContainText('webgl');
  expect(new URL(page.url()).searchParams.get('backend')).toBe('webgl');
});

test('an error thrown in the worker appears in the page with its field and fix', async ({ page }) => {
  await openLab(page, '?backend=cpu');
  await page.getByRole('button', { name: 'Settings' }).click();
  await page.getByTestId('check-batch-size').fill('0');
  await page.getByRole('button', { name: 'Run engine check' }).click();
  const error = page.getByTestId('error');
  await expect(error).toContainText('batchSize must be a whole number');
  await expect(error).toContainText('Field: batchSize');
  await expect(error).toContainText('How to fix');
  // The page is still alive: the engine runs the next, valid request.
  await page.getByTestId('check-batch-size').fill('8');
  await page.getByRole('button', { name: 'Run engine check' }).click();
  await expect(page.getByTestId('engine-check-result')).toBeVisible();
});

test('an unknown ?backend= value is reported, not a dead page', async ({ page }) => {
  await page.goto('/?backend=tpu');
  await expect(page.getByTestId('error')).toContainText('Unknown backend "tpu"');
  await expect(page.getByRole('heading', { name: 'Model' })).toBeVisible();
});

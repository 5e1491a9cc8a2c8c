import { test, expect, openLab } from './fixtures';
import { readFile, writeFile } from 'node:fs/promises';
import { SMALL_LESSON, runDefaultLesson } from './lesson';

/** The built service worker that `vite preview` serves (playwright.config.ts runs it from the repository root). */
const SERVICE_WORKER_FILE = 'dist/sw.js';

// The other specs block service workers (playwright.config.ts): request routing cannot see what
// a service worker answers. This one is about the service worker.
test.use({ serviceWorkers: 'allow' });

test('after one visit the whole lesson runs with the network off, every answer from the service worker', async ({ page, context, baseURL }) => {
  test.setTimeout(420_000);
  await openLab(page, `?backend=wasm&${SMALL_LESSON}`);
  // The first install takes the page (clientsClaim); `ready` resolves once precaching finished.
  await page.evaluate(() => navigator.serviceWorker.ready);
  await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null), { timeout: 60_000 }).toBe(true);
  await expect(page.getByTestId('offline-ready')).toBeVisible();
  const cachedUrls = await page.evaluate(async () => {
    const urls: string[] = [];
    for (const name of await caches.keys()) for (const request of await (await caches.open(name)).keys()) urls.push(new URL(request.url).pathname);
    return urls;
  });
  for (const path of ['/index.html', '/data/mnist-test-images.idx', '/data/mnist-train-5k-images.idx', '/models/mnist-cnn/model.json']) expect(cachedUrls).toContain(path);
  expect(cachedUrls.some((p) => p.endsWith('.wasm'))).toBe(true);

  // The worker keeps opened datasets in IndexedDB; empty that cache so this run must read them through the service worker.
  await page.evaluate(() => new Promise<void>((resolve, reject) => {
    const open = indexedDB.open('archrepair-lab');
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const tx = open.result.transaction('datasets', 'readwrite');
      tx.objectStore('datasets').clear();
      tx.oncomplete = () => { open.result.close(); resolve(); };
      tx.onerror = () => reject(tx.error);
    };
  }));

  await context.setOffline(true);
  // Whatever still tries the network is refused and recorded (the fixture's route stays below this one).
  const reachedNetwork: string[] = [];
  await context.route('**/*', (route) => {
    reachedNetwork.push(route.request().url());
    return route.abort('internetdisconnected');
  });
  const notFromServiceWorker: string[] = [];
  const origin = new URL(baseURL!).origin;
  page.on('response', (response) => {
    const url = response.url();
    if (url.startsWith(origin) && !response.fromServiceWorker()) notFromServiceWorker.push(url);
  });
  const failed: string[] = [];
  context.on('requestfailed', (request) => failed.push(`${request.url()} (${request.failure()?.errorText})`));

  await page.reload();
  await expect(page.getByTestId('backend')).toContainText('backend: wasm', { timeout: 60_000 });
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  await runDefaultLesson(page, async (step) => {
    if (step === 'data') await expect(page.getByTestId('dataset-facts')).not.toContainText('from this browser');
  });

  expect(reachedNetwork, 'requests that went to the network while offline').toEqual([]);
  expect(notFromServiceWorker, 'page responses not answered by the service worker').toEqual([]);
  expect(failed, 'failed requests').toEqual([]);
});

test('a new deployment shows an update prompt, and its button (keyboard) switches to the new version', async ({ page }) => {
  test.setTimeout(180_000);
  await openLab(page, '?backend=cpu');
  await page.evaluate(() => navigator.serviceWorker.ready);
  await expect(page.getByTestId('offline-ready')).toBeVisible({ timeout: 60_000 });

  // "Deploy" a new version: the preview server reads dist/ on every request, so a service worker
  // with different bytes is what the next update check finds. Restored whatever happens.
  const original = await readFile(SERVICE_WORKER_FILE, 'utf8');
  try {
    await writeFile(SERVICE_WORKER_FILE, `${original}\n// next version\n`);
    await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.update());
    await expect(page.getByTestId('update-prompt')).toBeVisible({ timeout: 60_000 });
  } finally {
    await writeFile(SERVICE_WORKER_FILE, original);
  }
  const prompt = page.getByTestId('update-prompt');
  await expect(page.getByRole('status').filter({ has: prompt })).toHaveAttribute('aria-live', 'polite');
  expect(await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.waiting?.state)).toBe('installed');

  const reloaded = page.waitForEvent('load');
  await page.getByTestId('update-reload').focus();
  await page.keyboard.press('Enter');
  await reloaded;
  await expect(page.getByTestId('backend')).toContainText('backend:', { timeout: 60_000 });
  const after = await page.evaluate(async () => {
    const registration = await navigator.serviceWorker.getRegistration();
    return { waiting: registration?.waiting?.state ?? null, controller: navigator.serviceWorker.controller?.state };
  });
  // The waiting version took over.
  expect(after).toEqual({ waiting: null, controller: 'activated' });
  await expect(page.getByTestId('update-prompt')).toHaveCount(0);
});

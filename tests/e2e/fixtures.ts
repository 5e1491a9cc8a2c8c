import { test as base, expect, type Page } from '@playwright/test';

/**
 * Every e2e test gets a page whose requests are checked: anything leaving the page's own
 * origin is blocked and recorded, and the test fails if there was any.
 */
export const test = base.extend<{ foreignRequests: string[] }>({
  foreignRequests: [
    async ({ context, baseURL }, use) => {
      const origin = new URL(baseURL!).origin;
      const foreign: string[] = [];
      await context.route('**/*', (route) => {
        const url = route.request().url();
        if (url.startsWith('data:') || url.startsWith('blob:') || new URL(url).origin === origin) return route.continue();
        foreign.push(url);
        return route.abort('blockedbyclient');
      });
      context.on('request', (request) => {
        const url = request.url();
        if (!url.startsWith('data:') && !url.startsWith('blob:') && new URL(url).origin !== origin && !foreign.includes(url)) foreign.push(url);
      });
      await use(foreign);
      expect(foreign, 'requests to other origins').toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };

/** Opens the lab and waits until the worker has chosen a backend (the badge reads "backend:", or "バックエンド:" with lang=ja). */
export async function openLab(page: Page, query = ''): Promise<void> {
  await page.goto(`/${query}`);
  await expect(page.getByTestId('backend')).toContainText(/backend:|バックエンド:/, { timeout: 60_000 });
}

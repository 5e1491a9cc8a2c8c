/**
 * The browser half: builds the bench page with Vite, serves it with `vite preview` (COOP/COEP),
 * and drives Debian's Chromium through Playwright with the e2e suite's flags, one fresh page
 * per backend (so time-to-first-epoch counts from opening the page).
 */
import { spawn } from 'node:child_process';
import { chromium, type Browser, type Page } from '@playwright/test';
import playwrightConfig, { CHROMIUM_PATH } from '../playwright.config';
import type { BrowserBenchRequest, BrowserBenchResult } from './browser/protocol';
import { freePort, startPreview } from '../scripts/preview-server';

const CONFIG = 'bench/vite.bench.config.ts';

function runToEnd(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'inherit'] });
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} exited with ${code}`))));
  });
}

/** Chromium's version string as the browser reports it. */
export interface BrowserRun {
  chromiumVersion: string;
  results: BrowserBenchResult[];
}

/** Runs each request (one backend each) in a fresh page; a request over `timeoutMs` is recorded as skipped. */
export interface BrowserBenchOptions {
  /** Chromium flags instead of the e2e suite's (the GPU check adds Vulkan ones). */
  args?: string[];
  /** Called after each backend's page closed (the PyTorch peer runs here, beside that backend's rows). */
  afterEach?: (request: BrowserBenchRequest, result: BrowserBenchResult) => Promise<void>;
  /** Called once on a page of the bench site (cross-origin isolated) before any backend runs. */
  probe?: (page: Page) => Promise<void>;
  /** Chromium binary (default: CHROMIUM_PATH of playwright.config.ts). */
  executablePath?: string;
}

export async function runBrowserBench(requests: BrowserBenchRequest[], timeoutMs: (r: BrowserBenchRequest) => number, log: (line: string) => void, options: BrowserBenchOptions = {}): Promise<BrowserRun> {
  await runToEnd('npx', ['vite', 'build', '--config', CONFIG]);
  const server = await startPreview(await freePort(), ['--config', CONFIG]);
  const url = server.url;
  const args = options.args ?? playwrightConfig.use?.launchOptions?.args ?? [];
  let browser: Browser | undefined;
  try {
    browser = await chromium.launch({ executablePath: options.executablePath ?? CHROMIUM_PATH, args });
    if (options.probe) {
      const context = await browser.newContext();
      try {
        const page = await context.newPage();
        await page.goto(url);
        await page.waitForSelector('body[data-ready="true"]');
        await options.probe(page);
      } finally {
        await context.close();
      }
    }
    const results: BrowserBenchResult[] = [];
    for (const request of requests) {
      const context = await browser.newContext();
      const page = await context.newPage();
      page.on('console', (m) => log(m.text()));
      page.on('pageerror', (e) => log(`page error: ${e.message}`));
      page.on('response', (r) => r.status() >= 400 && log(`HTTP ${r.status()} ${r.url()}`));
      let timer: NodeJS.Timeout | undefined;
      try {
        await page.goto(url);
        await page.waitForSelector('body[data-ready="true"]');
        const limit = timeoutMs(request);
        const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out after ${limit / 1000} s`)), limit)));
        results.push(await Promise.race([page.evaluate((r) => window.benchRun(r), request), timeout]));
      } catch (err) {
        const message = err instanceof Error ? err.message.split('\n')[0] : String(err);
        log(`chromium ${request.backend}: ${message}`);
        results.push({ backend: request.backend, skipped: message, adapter: null, isCrossOriginIsolated: false, wasmSimd: null, wasmThreads: null, threads: null, models: [], workshop: null, timeToFirstEpochMs: null, userAgent: '' });
      } finally {
        clearTimeout(timer);
        await context.close();
      }
      await options.afterEach?.(request, results[results.length - 1]);
    }
    return { chromiumVersion: browser.version(), results };
  } finally {
    await browser?.close();
    server.stop();
  }
}

/**
 * `npm run lesson:chromium [-- --models mnist-cnn,mnist-resnet,fashion-cnn] [--port 4460] [--timeout-scale 3] [--backend wasm] [--out reports/lesson-chromium]`
 * measures the page's default lesson in Chromium on each demo: the built app (dist/, `npm run
 * build`) under `vite preview`, each demo opened with only `?model=<name>` (no lesson settings,
 * the page picks its backend; `--backend` forces one, as `?backend=` does), walked like the e2e specs walk it (tests/e2e/lesson.ts), and the
 * numbers the Results step shows read from its table. Writes reports/lesson-chromium/<model>.json
 * and summary.md (the do-no-harm bar, scripts/lesson-bar.ts), and prints the summary.
 */
import { accessSync, constants, existsSync, readdirSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { chromium, expect, type Browser, type Page } from '@playwright/test';
import playwrightConfig, { CHROMIUM_PATH } from '../playwright.config';
import { runDefaultLesson, type LessonStep } from '../tests/e2e/lesson';
import { checkLesson, summaryTable, type ShownRow, type SummaryLine } from './lesson-bar';
import { startPreview } from './preview-server';

const args = process.argv.slice(2);
const flag = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
/** A backend to force (`--backend wasm`): no calibration on the fresh profile. */
const forcedBackend = flag('backend', '');
const STEPS: readonly LessonStep[] = ['model', 'data', 'localize', 'search', 'results', 'export'];

/** What one model's lesson showed, as written to <model>.json. */
interface LessonRecord {
  model: string;
  testSet: string;
  /** The lesson as the page wrote it into its URL once the model was open (its defaults, spelled out). */
  lessonQuery: string;
  backend: string;
  chromium: string;
  measuredAt: string;
  verdict: string;
  verdictText: string;
  caution: string | null;
  rows: ShownRow[];
  clean: { before: number; after: number };
  target: { label: string; before: number; after: number };
  /** The baselines table's rows (only when the page shows one; the default lesson runs no baselines). */
  methods: { name: string; verdict: string; rows: { label: string; accuracy: number }[] }[];
  /** Seconds since the page was opened when each step showed its result, and from search start (localize done) to results. */
  timings: { steps: Partial<Record<LessonStep, number>>; searchToResultsSeconds: number };
}

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

/** The demo's card test set, after checking the built app serves the demo. */
async function testSetOf(model: string): Promise<string> {
  const card = join('dist/models', model, 'card.json');
  if (!existsSync(card)) {
    const built = readdirSync('dist/models', { withFileTypes: true }).filter((d) => d.isDirectory() && existsSync(join('dist/models', d.name, 'card.json'))).map((d) => d.name);
    const hint = existsSync(join('public/models', model, 'card.json')) ? 'It is in public/models but not in dist/: run `npm run build` again.' : `Demos in dist/models: ${built.join(', ') || 'none'}.`;
    fail(`No demo model "${model}" (${card} is missing). ${hint}`);
  }
  return (JSON.parse(await readFile(card, 'utf8')) as { evaluation: { testSet: string } }).evaluation.testSet;
}

async function readResults(page: Page): Promise<Pick<LessonRecord, 'rows' | 'verdict' | 'verdictText' | 'caution' | 'methods'>> {
  // Inline callbacks only: they run in the page, where tsx's name helpers do not exist.
  const rows = await page.getByTestId('results-table').locator('tbody tr').evaluateAll((trs) => trs.map((tr) => ({
    label: tr.getAttribute('data-label') ?? '', severity: Number(tr.getAttribute('data-severity')), count: Number(tr.getAttribute('data-count')),
    isTarget: tr.getAttribute('data-target') === 'true', before: Number(tr.getAttribute('data-before')), after: Number(tr.getAttribute('data-after')),
  })));
  const methods = await page.getByTestId('baselines-table').locator('tbody tr').evaluateAll((trs) => trs.map((tr) => ({
    name: tr.getAttribute('data-method') ?? '', verdict: tr.getAttribute('data-verdict') ?? '',
    rows: [...tr.querySelectorAll('td[data-label]')].map((td) => ({ label: td.getAttribute('data-label') ?? '', accuracy: Number(td.getAttribute('data-accuracy')) })),
  })));
  const banner = page.getByTestId('results-verdict');
  const caution = page.getByTestId('held-out-clean-caution');
  return {
    rows, methods,
    // The standing: 'clean-shortfall' when the kept repair broke the clean bound on held-out images.
    verdict: (await banner.getAttribute('data-standing')) ?? (await banner.getAttribute('data-verdict')) ?? '',
    verdictText: (await banner.innerText()).trim(),
    caution: (await caution.count()) > 0 ? (await caution.innerText()).trim() : null,
  };
}

async function measure(browser: Browser, url: string, model: string, timeoutScale: number): Promise<LessonRecord> {
  const testSet = await testSetOf(model);
  const context = await browser.newContext({ serviceWorkers: 'block' });
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error(`${model}: page error: ${e.message}`));
  const opened = Date.now();
  const steps: Partial<Record<LessonStep, number>> = {};
  let lessonQuery = '';
  let shown: Awaited<ReturnType<typeof readResults>> | undefined;
  let current = 'opening the page';
  try {
    await page.goto(`${url}?model=${encodeURIComponent(model)}${forcedBackend ? `&backend=${encodeURIComponent(forcedBackend)}` : ''}`);
    await expect(page.getByTestId('backend')).toContainText('backend:', { timeout: 60_000 * timeoutScale });
    current = STEPS[0];
    await runDefaultLesson(page, async (step) => {
      steps[step] = (Date.now() - opened) / 1000;
      console.log(`${model}: ${step} done at ${steps[step]!.toFixed(0)} s`);
      if (step === 'model') lessonQuery = new URL(page.url()).search;
      if (step === 'results') shown = await readResults(page);
      current = STEPS[STEPS.indexOf(step) + 1] ?? 'the final check';
    }, { demo: { model, testSet }, timeoutScale });
    if (!shown) throw new Error('the Results step was never reached');
    const clean = shown.rows.find((r) => r.label === 'clean');
    const target = shown.rows.find((r) => r.isTarget);
    if (!clean || !target) throw new Error('the results table has no clean or no target row');
    return {
      model, testSet, lessonQuery, backend: (await page.getByTestId('backend').innerText()).trim(), chromium: browser.version(), measuredAt: new Date().toISOString(),
      ...shown,
      clean: { before: clean.before, after: clean.after },
      target: { label: target.label, before: target.before, after: target.after },
      timings: { steps, searchToResultsSeconds: steps.results! - steps.localize! },
    };
  } catch (err) {
    const message = err instanceof Error ? err.message.split('\n').filter((l) => l.trim()).slice(0, 2).join(' ') : String(err);
    throw new Error(`${model}: stopped at step "${current}": ${message}`);
  } finally {
    await context.close();
  }
}

async function main(): Promise<void> {
  if (args.includes('--help')) {
    console.log('npm run lesson:chromium [-- --models mnist-cnn,mnist-resnet,fashion-cnn] [--port 4460] [--timeout-scale 3] [--out reports/lesson-chromium]');
    return;
  }
  const models = flag('models', 'mnist-cnn,mnist-resnet,fashion-cnn').split(',').filter(Boolean);
  const port = Number(flag('port', '4460'));
  const timeoutScale = Number(flag('timeout-scale', '3'));
  const outDir = resolve(flag('out', 'reports/lesson-chromium'));
  if (!Number.isInteger(port) || port <= 0 || port > 65535) fail(`--port must be a TCP port, got "${flag('port', '')}".`);
  if (!(timeoutScale > 0)) fail(`--timeout-scale must be a positive number, got "${flag('timeout-scale', '')}".`);
  if (!existsSync('dist/index.html')) fail('No built app in dist/: run `npm run build` first.');
  for (const model of models) await testSetOf(model);
  try {
    accessSync(CHROMIUM_PATH, constants.X_OK);
  } catch {
    fail(`No Chromium at ${CHROMIUM_PATH}. Set CHROMIUM_PATH to a Chromium or Chrome binary (or install Debian's: apt-get install chromium).`);
  }
  await mkdir(outDir, { recursive: true });

  const server = await startPreview(port);
  const stopOnSignal = () => {
    server.stop();
    process.exit(130);
  };
  process.once('SIGINT', stopOnSignal).once('SIGTERM', stopOnSignal);
  const lines: SummaryLine[] = [];
  let browser: Browser | undefined;
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: playwrightConfig.use?.launchOptions?.args ?? [] });
    for (const model of models) {
      try {
        const record = await measure(browser, server.url, model, timeoutScale);
        await writeFile(join(outDir, `${model}.json`), `${JSON.stringify(record, null, 2)}\n`);
        lines.push({ check: checkLesson(model, record.rows), verdict: record.verdict, caution: record.caution !== null, searchSeconds: record.timings.searchToResultsSeconds });
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        console.error(message);
        lines.push({ model, error: message });
      }
    }
  } finally {
    await browser?.close();
    server.stop();
  }
  const summary = `${summaryTable(lines)}\n`;
  await writeFile(join(outDir, 'summary.md'), summary);
  console.log(`\n${summary}\nWrote ${outDir}/{${models.join(',')}}.json and summary.md`);
  if (lines.some((l) => 'error' in l)) process.exitCode = 1;
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});

/**
 * `npm run bench:gpu` (scripts/gpu-check.sh): the bench's WebGPU rows on a machine with a real
 * GPU. Headless Chromium with WebGPU on Vulkan; first it reads the WebGPU adapter in a page
 * (vendor, architecture, description, driver/backend/type where Chromium exposes them,
 * isFallbackAdapter, a few limits) and the WebGL renderer, and classifies the adapter as
 * hardware, software (SwiftShader, llvmpipe, lavapipe, a fallback adapter) or none. Then it
 * times the search epoch of mnist-cnn `conv unit 2` on webgpu (paper + lite on hardware; only a
 * one-batch lite row on a software adapter, so the check stays short), the same rows on wasm for
 * a ratio, and the default lesson on webgpu. Writes bench-results/gpu/gpu-check.json and
 * gpu-check.md. Exit status: 0 hardware adapter and webgpu rows measured; 2 software adapter;
 * 3 no adapter; 1 anything else (a timed-out or failed webgpu row). Needs only this repository,
 * its node_modules and a Chromium; never used by the tests.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import { join } from 'node:path';
import { parseArgs, usage } from '../src/cli/args';
import { looksLikeSoftware } from '../src/core/tfjs/software-gpu';
import { runBrowserBench } from './browser-run';
import type { BrowserBenchRequest, BrowserBenchResult } from './browser/protocol';
import type { SuiteOptions } from './suite';

/** Flags that give headless Chromium a hardware WebGPU adapter on Linux (Vulkan through ANGLE). */
export const GPU_CHROMIUM_ARGS = [
  '--no-sandbox',
  '--enable-unsafe-webgpu',
  '--enable-features=Vulkan,WebGPUDeveloperFeatures',
  '--use-angle=vulkan',
  '--disable-vulkan-surface',
  '--ignore-gpu-blocklist',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

const FLAGS = {
  model: { type: 'string', default: 'mnist-cnn', help: 'demo model' },
  'per-split': { type: 'number', default: 128, help: 'examples per split on a hardware adapter (64 on a software one)' },
  timed: { type: 'number', default: 1, help: 'timed epochs per preset after one warm-up epoch' },
  wasm: { type: 'boolean', default: true, help: 'also time the same rows on wasm, for the webgpu / wasm ratio' },
  workshop: { type: 'boolean', default: true, help: 'also time the default lesson on webgpu (hardware adapters only)' },
  'extra-args': { type: 'string', default: '', help: 'more Chromium flags, space-separated (GPU_CHECK_ARGS adds more)' },
  out: { type: 'string', default: 'bench-results/gpu', help: 'output folder' },
} as const;

/** What the page reports about its WebGPU adapter and WebGL renderer. */
export interface AdapterProbe {
  hasNavigatorGpu: boolean;
  adapter: { vendor: string; architecture: string; device: string; description: string; driver: string; backend: string; type: string; isFallbackAdapter: boolean; features: string[]; limits: Record<string, number> } | null;
  error: string;
  webglRenderer: string;
}

export type AdapterKind = 'hardware' | 'software' | 'none';

export function classifyAdapter(p: AdapterProbe): AdapterKind {
  const a = p.adapter;
  if (!a) return 'none';
  const text = `${a.vendor} ${a.architecture} ${a.device} ${a.description} ${a.driver}`;
  return a.isFallbackAdapter || looksLikeSoftware(text) || /^cpu$/i.test(a.type) ? 'software' : 'hardware';
}

/**
 * Runs in the page: the high-performance adapter's info and limits, and the WebGL renderer.
 * Plain JavaScript source, not a function: tsx's transform adds helpers (`__name`) to functions
 * that do not exist in the page when Playwright serialises them.
 */
const PROBE_SOURCE = `(async () => {
  const gpu = navigator.gpu;
  const out = { hasNavigatorGpu: Boolean(gpu), adapter: null, error: '', webglRenderer: '' };
  try {
    const adapter = gpu ? await gpu.requestAdapter({ powerPreference: 'high-performance' }) : null;
    if (adapter) {
      const info = adapter.info || (adapter.requestAdapterInfo ? await adapter.requestAdapterInfo() : {});
      const text = (k) => (typeof info[k] === 'string' ? info[k] : '');
      const limits = {};
      for (const k of ['maxBufferSize', 'maxStorageBufferBindingSize', 'maxComputeWorkgroupStorageSize', 'maxComputeInvocationsPerWorkgroup', 'maxComputeWorkgroupSizeX']) limits[k] = Number(adapter.limits[k]);
      const fallback = info.isFallbackAdapter !== undefined ? info.isFallbackAdapter : adapter.isFallbackAdapter;
      out.adapter = { vendor: text('vendor'), architecture: text('architecture'), device: text('device'), description: text('description'), driver: text('driver'), backend: text('backend'), type: text('type'), isFallbackAdapter: Boolean(fallback), features: [...adapter.features].sort(), limits };
    } else out.error = gpu ? 'navigator.gpu.requestAdapter() returned null' : 'no navigator.gpu';
  } catch (err) {
    out.error = err && err.message ? err.message : String(err);
  }
  try {
    const gl = document.createElement('canvas').getContext('webgl2');
    const ext = gl && gl.getExtension('WEBGL_debug_renderer_info');
    out.webglRenderer = gl ? String(gl.getParameter(ext ? ext.UNMASKED_RENDERER_WEBGL : gl.RENDERER)) : 'no webgl2';
  } catch (err) {
    out.webglRenderer = 'error: ' + (err && err.message ? err.message : String(err));
  }
  return out;
})()`;

const f = (v: number | null | undefined, d = 1) => (v === null || v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(d));

interface GpuCheck {
  createdAt: string;
  command: string;
  totalSeconds: number;
  machine: { cpuModel: string; cores: number; platform: string; loadAverageStart: number[]; loadAverageEnd: number[]; chromium: string | null; chromiumArgs: string[] };
  probe: AdapterProbe | null;
  adapterKind: AdapterKind;
  results: BrowserBenchResult[];
  exitCode: number;
  verdict: string;
}

function renderMarkdown(c: GpuCheck): string {
  const out: string[] = [];
  const a = c.probe?.adapter;
  out.push(`## GPU check (\`npm run bench:gpu\`), ${c.createdAt}, ${f(c.totalSeconds, 0)} s`);
  out.push('');
  out.push(`Machine: ${c.machine.cores} × ${c.machine.cpuModel}, ${c.machine.platform}; Chromium ${c.machine.chromium ?? '–'}; load average ${c.machine.loadAverageStart.map((l) => f(l, 2)).join('/')} at start, ${c.machine.loadAverageEnd.map((l) => f(l, 2)).join('/')} at end.`);
  out.push('');
  out.push(`**Adapter: ${c.adapterKind}** — ${c.verdict}`);
  out.push('');
  out.push('| field | value |\n|---|---|');
  if (a) {
    for (const k of ['vendor', 'architecture', 'device', 'description', 'driver', 'backend', 'type'] as const) out.push(`| ${k} | ${a[k] || '–'} |`);
    out.push(`| isFallbackAdapter | ${a.isFallbackAdapter} |`);
    out.push(`| features | ${a.features.join(', ') || '–'} |`);
    for (const [k, v] of Object.entries(a.limits)) out.push(`| ${k} | ${v} |`);
  } else out.push(`| adapter | none (${c.probe?.error ?? 'probe failed'}) |`);
  out.push(`| WebGL renderer | ${c.probe?.webglRenderer || '–'} |`);
  out.push('');
  out.push('| backend | adapter / note | preset | per split | warm-up + timed | samples/s | s/epoch | tensors after epoch 1 → last |\n|---|---|---|---|---|---|---|---|');
  for (const r of c.results) {
    const note = r.skipped ? `not run: ${r.skipped}` : r.adapter ?? (r.threads ? `${r.threads} thread(s)` : '');
    const rows = r.models.flatMap((m) => m.search);
    if (rows.length === 0 && !r.workshop) out.push(`| ${r.backend} | ${note} | – | – | – | – | – | – |`);
    for (const t of rows) {
      const mean = t.epochMs.reduce((x, y) => x + y, 0) / Math.max(1, t.epochMs.length);
      out.push(`| ${r.backend} | ${note} | ${t.preset} | ${t.samplesPerEpoch / 2} | ${t.warmupEpochs} + ${t.timedEpochs} | **${f(t.samplesPerSecond)}** | ${f(mean / 1000, 2)} | ${t.tensorsAfterFirst} → ${t.tensorsAfterLast} |`);
    }
  }
  const gpu = c.results.find((r) => r.backend === 'webgpu')?.models[0]?.search ?? [];
  const wasm = c.results.find((r) => r.backend === 'wasm')?.models[0]?.search ?? [];
  const ratios = gpu.map((t) => ({ preset: t.preset, ratio: t.samplesPerSecond / (wasm.find((w) => w.preset === t.preset)?.samplesPerSecond ?? Number.NaN) })).filter((x) => Number.isFinite(x.ratio));
  if (ratios.length) {
    out.push('');
    out.push(`webgpu / wasm: ${ratios.map((x) => `${x.preset} ${f(x.ratio, 2)}×`).join(', ')}.`);
  }
  const w = c.results.find((r) => r.workshop)?.workshop;
  if (w) {
    out.push('');
    out.push(`Default lesson on webgpu (${w.model}, ${w.corruption}, block ${w.blockName}, preset ${w.defaults.preset}): collect ${f(w.collectMs / 1000)} s, localize ${f(w.localizeMs / 1000)} s, prepare ${f(w.prepareMs / 1000)} s, search ${w.searchEpochMs.length} × ${f(w.searchEpochMs.reduce((x, y) => x + y, 0) / Math.max(1, w.searchEpochMs.length) / 1000)} s (${f(w.samplesPerSecond)} samples/s), derive + fine-tune ${f(w.deriveMs / 1000)} s: **${f(w.totalMs / 1000, 0)} s**${w.isProjected ? ' (projected)' : ''}.`);
  }
  return out.join('\n') + '\n';
}

async function main(): Promise<number> {
  const { flags, isHelp } = parseArgs(process.argv.slice(2), FLAGS);
  if (isHelp) {
    console.log(usage('bench:gpu', '[flags]', FLAGS));
    return 0;
  }
  const started = performance.now();
  const loadAverageStart = os.loadavg();
  const log = (line: string) => console.error(line);
  const extra = [...flags['extra-args'].split(/\s+/), ...(process.env.GPU_CHECK_ARGS ?? '').split(/\s+/)].filter(Boolean);
  const args = [...GPU_CHROMIUM_ARGS, ...extra];
  let probe: AdapterProbe | null = null;
  const requests: BrowserBenchRequest[] = [];
  const options = (perSplit: number, presets: SuiteOptions['presets']): SuiteOptions => ({ spec: { perSplit, batchSize: 64, seed: 1 }, presets, warmupEpochs: 1, timedEpochs: flags.timed, leakEpochs: 0, leakPreset: 'lite', cachingPreset: null, localizeFailures: 0, corruption: 'fog', countMacs: false });
  let kind: AdapterKind = 'none';
  log(`Chromium flags: ${args.join(' ')}`);
  const run = await runBrowserBench(
    // Filled in by the probe: the rows depend on the adapter found.
    requests,
    (r) => (r.backend === 'wasm' ? 120_000 : r.workshop ? 180_000 : 210_000),
    log,
    {
      args,
      probe: async (page) => {
        probe = (await page.evaluate(PROBE_SOURCE)) as AdapterProbe;
        kind = classifyAdapter(probe);
        log(`WebGPU adapter (${kind}): ${JSON.stringify(probe.adapter ?? probe.error)}`);
        log(`WebGL renderer: ${probe.webglRenderer}`);
        const hardware = kind === 'hardware';
        const perSplit = hardware ? flags['per-split'] : 64;
        if (kind !== 'none') requests.push({ backend: 'webgpu', models: [flags.model], options: options(perSplit, hardware ? ['paper', 'lite'] : ['lite']), workshop: null, wasmThreads: true });
        if (flags.wasm) requests.push({ backend: 'wasm', models: [flags.model], options: options(perSplit, hardware ? ['paper', 'lite'] : ['lite']), workshop: null, wasmThreads: true });
        if (hardware && flags.workshop) requests.push({ backend: 'webgpu', models: [], options: options(perSplit, []), workshop: { model: flags.model, searchEpochs: 1, finetuneEpochs: 1 }, wasmThreads: true });
      },
    },
  );
  const webgpuRows = run.results.filter((r) => r.backend === 'webgpu' && !r.workshop).flatMap((r) => r.models.flatMap((m) => m.search));
  const exitCode = kind === 'none' ? 3 : kind === 'software' ? 2 : webgpuRows.length ? 0 : 1;
  const verdict =
    kind === 'none' ? `no WebGPU adapter (${(probe as AdapterProbe | null)?.error ?? 'probe failed'}): check the GPU driver and its Vulkan ICD (vulkaninfo), and the flags above.`
    : kind === 'software' ? 'a software adapter: the figures measure the CPU, not a GPU (only the short lite row ran).'
    : webgpuRows.length ? 'a hardware adapter; the webgpu rows below ran on it.' : 'a hardware adapter, but the webgpu rows did not complete (see the notes).';
  const check: GpuCheck = {
    createdAt: new Date().toISOString(),
    command: ['npm run bench:gpu', ...(process.argv.length > 2 ? ['--', ...process.argv.slice(2)] : [])].join(' '),
    totalSeconds: (performance.now() - started) / 1000,
    machine: { cpuModel: os.cpus()[0]?.model ?? 'unknown', cores: os.cpus().length, platform: `${os.type()} ${os.release()} ${os.arch()}`, loadAverageStart, loadAverageEnd: os.loadavg(), chromium: run.chromiumVersion, chromiumArgs: args },
    probe,
    adapterKind: kind,
    results: run.results,
    exitCode,
    verdict,
  };
  const markdown = renderMarkdown(check);
  await mkdir(flags.out, { recursive: true });
  await writeFile(join(flags.out, 'gpu-check.json'), JSON.stringify(check, null, 1));
  await writeFile(join(flags.out, 'gpu-check.md'), markdown);
  console.log(markdown);
  log(`written ${join(flags.out, 'gpu-check.json')} and ${join(flags.out, 'gpu-check.md')}; exit ${exitCode}`);
  return exitCode;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    process.exit(1);
  },
);

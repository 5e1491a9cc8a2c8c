/**
 * `npm run bench [-- flags]`: search-epoch throughput per backend (Node cpu/wasm; Chromium
 * webgpu/webgl/wasm/cpu through Playwright), MACs per sample, prefix caching on vs off,
 * tensor leak check, localization time, time to first epoch, and the workshop default in
 * Chromium. Writes bench-results/bench.json and bench.md and prints the Markdown.
 */
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { parseArgs, usage } from '../src/cli/args';
import { useNodeTrainingBackend, type NodeTrainingBackend } from '../src/cli/node-backend';
import { loadDataset } from '../src/cli/datasets';
import { buildBlockGraph } from '../src/core/model/block-graph';
import { loadModelFolder } from '../src/core/model/load-folder';
import { instrumentLayersModel } from '../src/core/localize/instrumented';
import { parseBackendName } from '../src/core/tfjs/backend';
import type { BackendName } from '../src/core/types';
import { runBrowserBench } from './browser-run';
import type { BrowserBenchRequest } from './browser/protocol';
import { evaluateGoals } from './goals';
import { supernetMacs } from './macs';
import { readCard, runNodeBench } from './node';
import { renderMarkdown, type BenchResults } from './report';
import type { ModelBench, SuiteOptions } from './suite';
import { prepareBlock, secondHalfBlock } from './workload';
import { DEFAULT_PEER, PEER_MODEL, REFERENCE_SUFFIX, peerConfigsFor, runPeer, torchVersion, type PeerOptions, type PeerRun } from './peer';

const FLAGS = {
  'node-only': { type: 'boolean', default: false, help: 'run only the Node part' },
  'browser-only': { type: 'boolean', default: false, help: 'run only the Chromium part' },
  models: { type: 'string', default: null, help: 'comma-separated demo models (default: every public/models/<name> with model.json)' },
  'node-backends': { type: 'string', default: 'wasm,cpu', help: 'Node backends' },
  'browser-backends': { type: 'string', default: 'wasm,webgl,webgpu,cpu', help: 'Chromium backends' },
  'slow-models': { type: 'string', default: 'mnist-cnn', help: 'models the slow backends (cpu, webgl, webgpu) run; "all" for every model' },
  'per-split': { type: 'number', default: 128, help: 'examples per split (S_w, S_α, validation) on wasm' },
  'slow-per-split': { type: 'number', default: 64, help: 'examples per split on cpu, webgl and webgpu (one batch)' },
  timed: { type: 'number', default: 1, help: 'timed epochs per preset (after one warm-up epoch; none on cpu)' },
  'leak-epochs': { type: 'number', default: 10, help: 'epochs of the leak check (lite, one batch per epoch) on Chromium wasm' },
  'localize-failures': { type: 'number', default: 1000, help: 'failures to localize on Node wasm (Chromium times it in the workshop run)' },
  'workshop-epochs': { type: 'number', default: 1, help: 'search epochs of the workshop run to execute (10 = all, no projection)' },
  'workshop-finetune': { type: 'number', default: 1, help: 'fine-tune epochs of the workshop run to execute (8 = all)' },
  'wasm-threads': { type: 'boolean', default: true, help: 'Chromium wasm on its threaded build, as the lab runs it (--wasm-threads=false: one thread)' },
  peer: { type: 'boolean', default: true, help: 'run the PyTorch peer (mnist-cnn conv unit 2) beside the Node and Chromium CPU rows (--peer=false: skip)' },
  'peer-python': { type: 'string', default: DEFAULT_PEER.python, help: 'Python with torch for the peer' },
  'peer-script': { type: 'string', default: DEFAULT_PEER.script, help: 'the peer script' },
  'peer-repeats': { type: 'number', default: DEFAULT_PEER.repeats, help: 'peer runs per configuration (median counts)' },
  out: { type: 'string', default: 'bench-results', help: 'output folder' },
  render: { type: 'string', default: null, help: 'only re-render bench.md from this bench.json (no measuring)' },
} as const;

const list = (value: string): string[] => value.split(',').map((v) => v.trim()).filter(Boolean);
const log = (line: string) => console.error(line);

function demoModels(): string[] {
  return readdirSync('public/models').filter((name) => existsSync(join('public/models', name, 'model.json'))).sort();
}

/** Per backend and runtime: the workload each one can afford (see the README for why). */
function suiteOptions(backend: string, runtime: 'node' | 'chromium', flags: ReturnType<typeof parseArgs<typeof FLAGS>>['flags']): SuiteOptions {
  const base: SuiteOptions = {
    spec: { perSplit: flags['slow-per-split'], batchSize: 64, seed: 1 },
    presets: ['paper', 'lite'],
    warmupEpochs: 1,
    timedEpochs: flags.timed,
    leakEpochs: 0,
    leakPreset: 'lite',
    cachingPreset: null,
    localizeFailures: 0,
    corruption: 'fog',
    countMacs: false,
  };
  // Node wasm: throughput and localization; Chromium wasm (the lab's CPU path) gets the full suite.
  if (backend === 'wasm' && runtime === 'node') return { ...base, spec: { ...base.spec, perSplit: flags['per-split'] }, localizeFailures: flags['localize-failures'] };
  if (backend === 'wasm') return { ...base, spec: { ...base.spec, perSplit: flags['per-split'] }, leakEpochs: flags['leak-epochs'], cachingPreset: 'paper' };
  if (backend === 'webgl') return base;
  if (backend === 'webgpu') return { ...base, presets: ['lite'] };
  return { ...base, warmupEpochs: 0 };
}

/** MACs per sample for each model and preset, counted once in Node (they do not depend on the backend). */
async function countMacs(models: string[]): Promise<ModelBench[]> {
  await useNodeTrainingBackend('wasm');
  const out: ModelBench[] = [];
  for (const name of models) {
    const dir = join('public/models', name);
    const card = await readCard(dir);
    const { validated, model } = await loadModelFolder(dir);
    const graph = buildBlockGraph(validated.flat, validated.name);
    const testSet = await loadDataset(card?.evaluation.testSet ?? 'mnist-test');
    const isProbabilities = instrumentLayersModel(model, graph).outputKind === 'probabilities';
    const block = await prepareBlock(model, graph, testSet, secondHalfBlock(graph), { perSplit: 1, batchSize: 1, seed: 1 }, isProbabilities);
    const entry: ModelBench = { model: name, blockIndex: block.blockIndex, blockName: block.blockName, blockInputShape: block.blockInputShape, cacheMs: block.cacheMs, macs: {}, search: [], leak: null, caching: null, localization: null };
    for (const preset of ['paper', 'lite'] as const) entry.macs[preset] = await supernetMacs(block, preset);
    block.split.dispose();
    model.dispose();
    out.push(entry);
  }
  return out;
}

async function main(): Promise<void> {
  const { flags, isHelp } = parseArgs(process.argv.slice(2), FLAGS);
  if (isHelp) {
    console.log(usage('bench', '[flags]', FLAGS));
    return;
  }
  if (flags.render) {
    const saved = JSON.parse(await readFile(flags.render, 'utf8')) as BenchResults & { macs: ModelBench[] };
    const withPeer = { ...saved, peer: saved.peer ?? [] };
    const markdown = renderMarkdown({ ...withPeer, goals: evaluateGoals(withPeer) }, saved.macs);
    await writeFile(join(dirname(flags.render), 'bench.md'), markdown);
    console.log(markdown);
    return;
  }
  const started = performance.now();
  const loadAverageStart = os.loadavg();
  const models = flags.models ? list(flags.models) : demoModels();
  const runNode = !flags['browser-only'];
  const runBrowser = !flags['node-only'];
  const macs = await countMacs(models);
  const slowModels = flags['slow-models'] === 'all' ? models : list(flags['slow-models']).filter((m) => models.includes(m));
  const modelsFor = (backend: string) => (backend === 'wasm' ? models : slowModels);
  // The PyTorch peer runs right after each CPU backend's rows (same workload, same threads), so each ratio comes from one load.
  const peerOptions: PeerOptions = { python: flags['peer-python'], script: flags['peer-script'], repeats: Math.max(1, flags['peer-repeats']), timeoutMs: DEFAULT_PEER.timeoutMs };
  const peer: PeerRun[] = [];
  const runPeerBeside = async (runtime: 'node' | 'chromium', backend: string, threads: number | null, ran: boolean) => {
    if (!flags.peer || !ran || threads === null || !['wasm', 'cpu'].includes(backend) || !modelsFor(backend).includes(PEER_MODEL)) return;
    const o = suiteOptions(backend, runtime, flags);
    peer.push(...(await runPeer(peerConfigsFor(o.presets, o.spec.perSplit, threads), `${runtime} ${backend}`, peerOptions, log)));
    // A multi-threaded PyTorch collapses on a shared machine (its threads wait for each other): add one thread as a reference.
    if (threads > 1) peer.push(...(await runPeer(peerConfigsFor(o.presets, o.spec.perSplit, 1), `${runtime} ${backend}${REFERENCE_SUFFIX}`, peerOptions, log)));
  };
  const node = runNode ? await runNodeBench(list(flags['node-backends']) as NodeTrainingBackend[], modelsFor, (backend) => suiteOptions(backend, 'node', flags), log, (entry) => runPeerBeside('node', entry.backend, entry.threads, true)) : [];
  const requests: BrowserBenchRequest[] = (runBrowser ? list(flags['browser-backends']) : []).map((name) => {
    const backend: BackendName = parseBackendName(name, 'browser-backends');
    const isWasm = backend === 'wasm';
    return { backend, models: modelsFor(backend), options: suiteOptions(backend, 'chromium', flags), workshop: isWasm ? { model: models.includes('mnist-cnn') ? 'mnist-cnn' : models[0], searchEpochs: flags['workshop-epochs'], finetuneEpochs: flags['workshop-finetune'] } : null, wasmThreads: flags['wasm-threads'] };
  });
  // SwiftShader WebGPU and the cpu backend are slow: bound them so the whole run stays short.
  const limitMs = (r: BrowserBenchRequest) => (r.backend === 'wasm' ? 600_000 : 240_000) * r.models.length;
  const browser = requests.length ? await runBrowserBench(requests, limitMs, log, { afterEach: (request, result) => runPeerBeside('chromium', request.backend, result.threads, !result.skipped) }) : null;
  const partial = { node, browser: browser?.results ?? [], peer };
  const cpus = os.cpus();
  const results: BenchResults = {
    version: 1,
    createdAt: new Date().toISOString(),
    command: ['npm run bench', ...(process.argv.length > 2 ? ['--', ...process.argv.slice(2)] : [])].join(' '),
    totalSeconds: (performance.now() - started) / 1000,
    machine: {
      cpuModel: cpus[0]?.model ?? 'unknown',
      cores: cpus.length,
      memoryGiB: os.totalmem() / 2 ** 30,
      node: process.version,
      tfjs: tf.version.tfjs,
      torch: peer.some((r) => !r.unavailable) ? await torchVersion(peerOptions) : null,
      chromium: browser?.chromiumVersion ?? null,
      loadAverageStart,
      loadAverageEnd: os.loadavg(),
      platform: `${os.type()} ${os.release()} ${os.arch()}`,
    },
    ...partial,
    goals: evaluateGoals(partial),
  };
  const markdown = renderMarkdown(results, macs);
  await mkdir(flags.out, { recursive: true });
  await writeFile(join(flags.out, 'bench.json'), JSON.stringify({ ...results, macs }, null, 1));
  await writeFile(join(flags.out, 'bench.md'), markdown);
  console.log(markdown);
  log(`written ${join(flags.out, 'bench.json')} and ${join(flags.out, 'bench.md')}`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exitCode = 1;
});

/// <reference lib="webworker" />
/** Runs the benchmark suite on one backend inside a module worker, as the lab runs tfjs. */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import wasmUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { loadBundledDataset } from '../../src/core/data/bundled';
import { parseModelCard } from '../../src/core/data/model-card';
import { buildBlockGraph } from '../../src/core/model/block-graph';
import { loadValidatedModel } from '../../src/core/model/load';
import { validateModelFiles, type ModelFile } from '../../src/core/model/validate';
import { selectBackend } from '../../src/core/tfjs/backend';
import { installTrainingSupport } from '../../src/core/tfjs/install';
import { benchModel, type ModelBench } from '../suite';
import { timeWorkshop, type WorkshopTiming } from '../workshop';
import type { BrowserBenchRequest, WorkerMessage } from './protocol';

const post = (message: WorkerMessage) => (self as DedicatedWorkerGlobalScope).postMessage(message);
const log = (line: string) => post({ type: 'log', line });

async function fetchBytes(url: string): Promise<Uint8Array> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url}: ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

/** model.json, its weight shards (from the manifest) and card.json of a demo model. */
async function loadDemo(name: string) {
  const base = `/models/${name}/`;
  const json = await fetchBytes(`${base}model.json`);
  const manifest = JSON.parse(new TextDecoder().decode(json)) as { weightsManifest?: { paths: string[] }[] };
  const files: ModelFile[] = [{ name: 'model.json', bytes: json }];
  for (const path of (manifest.weightsManifest ?? []).flatMap((g) => g.paths)) files.push({ name: path, bytes: await fetchBytes(base + path) });
  const validated = validateModelFiles(files, { name });
  const card = parseModelCard(new TextDecoder().decode(await fetchBytes(`${base}card.json`)), `${base}card.json`);
  const model = await loadValidatedModel(validated);
  const testSet = await loadBundledDataset(card.evaluation.testSet, (path) => fetchBytes(`/data/${path}`));
  return { model, graph: buildBlockGraph(validated.flat, validated.name), card, testSet };
}

async function run(request: BrowserBenchRequest): Promise<void> {
  installTrainingSupport();
  // Threaded wasm (one thread per core, as in the lab) unless the run asks for one thread.
  if (!request.wasmThreads) tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  const info = await selectBackend({ forced: request.backend, order: [request.backend], wasmPaths: { 'tfjs-backend-wasm.wasm': wasmUrl, 'tfjs-backend-wasm-simd.wasm': wasmSimdUrl, 'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedUrl } }).catch((err: unknown) => (err instanceof Error ? err.message : String(err)));
  const base = { backend: request.backend, userAgent: navigator.userAgent, wasmSimd: null, wasmThreads: null, threads: null as number | null, models: [] as ModelBench[], workshop: null as WorkshopTiming | null };
  if (typeof info === 'string') {
    post({ type: 'done', result: { ...base, skipped: info, adapter: null, isCrossOriginIsolated: self.crossOriginIsolated } });
    return;
  }
  const isWasm = info.active === 'wasm';
  const adapter = info.adapter ? `${info.adapter.vendor} ${info.adapter.architecture} ${info.adapter.description}${info.adapter.isFallbackAdapter ? ' (fallback/software)' : ''}`.trim() : null;
  const result = { ...base, skipped: '', adapter, isCrossOriginIsolated: info.isCrossOriginIsolated, wasmSimd: isWasm ? tf.env().getBool('WASM_HAS_SIMD_SUPPORT') : null, wasmThreads: isWasm ? tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT') : null, threads: info.active === 'cpu' ? 1 : info.threads };
  log(`chromium ${info.active}${adapter ? ` (${adapter})` : ''}`);
  for (const name of request.models) {
    const { model, graph, card, testSet } = await loadDemo(name);
    try {
      const corruption = card.worstCorruption.name;
      result.models.push(await benchModel(name, model, graph, testSet, { ...request.options, corruption }, log));
      if (request.workshop && name === request.workshop.model) {
        result.workshop = await timeWorkshop(name, model, graph, testSet, corruption, request.workshop.searchEpochs, request.workshop.finetuneEpochs, log);
      }
    } finally {
      model.dispose();
    }
  }
  // A workshop-only request (the GPU check times the default lesson in its own page).
  if (request.workshop && !request.models.includes(request.workshop.model)) {
    const { model, graph, card, testSet } = await loadDemo(request.workshop.model);
    try {
      result.workshop = await timeWorkshop(request.workshop.model, model, graph, testSet, card.worstCorruption.name, request.workshop.searchEpochs, request.workshop.finetuneEpochs, log);
    } finally {
      model.dispose();
    }
  }
  post({ type: 'done', result });
}

self.onmessage = (event: MessageEvent<BrowserBenchRequest>) => {
  run(event.data).catch((err: unknown) => post({ type: 'error', message: err instanceof Error ? `${err.message}\n${err.stack ?? ''}` : String(err) }));
};

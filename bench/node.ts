/** The Node half of the benchmark: each requested tfjs backend × demo model, in this process. */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { useNodeTrainingBackend, type NodeTrainingBackend } from '../src/cli/node-backend';
import { loadDataset } from '../src/cli/datasets';
import { parseModelCard, type ModelCard } from '../src/core/data/model-card';
import { buildBlockGraph } from '../src/core/model/block-graph';
import { loadModelFolder } from '../src/core/model/load-folder';
import { benchModel, type ModelBench, type SuiteOptions } from './suite';

/** Results of one Node backend. */
export interface NodeBackendBench {
  runtime: 'node';
  backend: string;
  wasmSimd: boolean | null;
  wasmThreads: boolean | null;
  /** Threads it computes on: 1 (Node's wasm has no threads, cpu is plain JS). */
  threads: number;
  models: ModelBench[];
}

/** The model card of a demo model (worst corruption and test set), or null without one. */
export async function readCard(dir: string): Promise<ModelCard | null> {
  const path = join(dir, 'card.json');
  return existsSync(path) ? parseModelCard(await readFile(path, 'utf8'), path) : null;
}

/** Options per backend: the caller may shrink the workload for slow backends. */
export type OptionsFor = (backend: string, model: string) => SuiteOptions;

/** Runs the suite on each backend for each model in public/models/<name>. */
export async function runNodeBench(backends: NodeTrainingBackend[], modelsFor: (backend: string) => string[], optionsFor: OptionsFor, log: (line: string) => void, afterEach?: (entry: NodeBackendBench) => Promise<void>): Promise<NodeBackendBench[]> {
  const out: NodeBackendBench[] = [];
  for (const backend of backends) {
    const active = await useNodeTrainingBackend(backend);
    if (active !== backend) throw new Error(`Node: wanted the ${backend} backend, got ${active}`);
    const isWasm = active === 'wasm';
    const entry: NodeBackendBench = {
      runtime: 'node',
      backend: active,
      wasmSimd: isWasm ? tf.env().getBool('WASM_HAS_SIMD_SUPPORT') : null,
      wasmThreads: isWasm ? tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT') : null,
      threads: 1,
      models: [],
    };
    log(`node ${active}`);
    for (const name of modelsFor(active)) {
      const dir = join('public/models', name);
      const card = await readCard(dir);
      const { validated, model } = await loadModelFolder(dir);
      try {
        const graph = buildBlockGraph(validated.flat, validated.name);
        const testSet = await loadDataset(card?.evaluation.testSet ?? 'mnist-test');
        const options = { ...optionsFor(active, name), corruption: card?.worstCorruption.name ?? optionsFor(active, name).corruption };
        entry.models.push(await benchModel(name, model, graph, testSet, options, log));
      } finally {
        model.dispose();
      }
    }
    out.push(entry);
    await afterEach?.(entry);
  }
  return out;
}

/**
 * `npm run inspect -- <folder holding model.json | demo name> [--json] [--load=false]`
 * Validates a tfjs LayersModel, prints its block table (or the reason it was refused, exit 1).
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { LabError, toErrorData } from '../core/errors';
import { buildBlockGraph } from '../core/model/block-graph';
import { loadValidatedModel } from '../core/model/load';
import { validateModelFolder } from '../core/model/load-folder';
import type { BlockGraph } from '../core/types';
import { parseArgs, usage, runWhenEntry } from './args';

const SPEC = {
  json: { type: 'boolean', default: false, help: 'print the block graph as JSON' },
  load: { type: 'boolean', default: true, help: 'also build the model with tfjs (cpu backend) to prove it loads' },
  batch: { type: 'number', default: 32, help: 'batch size for the memory estimate' },
  output: { type: 'string', default: null, help: 'for a model with several outputs: the one to repair (index or layer name; default the class-score output)' },
} as const;
const SYNOPSIS = '<folder holding model.json | demo name> [flags]';
export const DEMO_DIR = 'public/models';

/** A folder path, or a demo name resolved to public/models/<name>/. */
export function resolveModelDir(target: string, cwd = process.cwd()): string {
  const direct = resolve(cwd, target);
  if (existsSync(direct) && statSync(direct).isDirectory()) return direct;
  const demo = resolve(cwd, DEMO_DIR, target);
  if (existsSync(demo) && statSync(demo).isDirectory()) return demo;
  const demos = existsSync(resolve(cwd, DEMO_DIR)) ? readdirSync(resolve(cwd, DEMO_DIR), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).join(', ') || 'none yet' : 'none yet';
  throw new LabError(`"${target}" is neither a folder nor a demo model in ${DEMO_DIR}/.`, { file: target, field: 'path', fix: `Give a folder holding model.json, or a demo name (available: ${demos}).` });
}

const count = (n: number): string => (n >= 1e9 ? `${(n / 1e9).toFixed(2)}G` : n >= 1e6 ? `${(n / 1e6).toFixed(2)}M` : n >= 1e4 ? `${(n / 1e3).toFixed(1)}k` : String(n));
const shape = (s: readonly number[]): string => `[${s.join('×')}]`;

/** The block table: one row per block (index, name, kind, layers, shapes, stride, params, MACs). */
export function formatBlockTable(graph: BlockGraph): string {
  const header = ['#', 'block', 'kind', 'layers', 'input', 'output', 'stride', 'params', 'MACs'];
  const rows = graph.blocks.map((b) => [String(b.index), b.name, b.kind, String(b.layers.length), shape(b.inputShape), shape(b.outputShape), String(b.stride), count(b.params), count(b.macs)]);
  const total = ['', 'total', '', String(graph.layers.length - 1), shape(graph.inputShape), `[${graph.numClasses}]`, '', count(graph.blocks.reduce((s, b) => s + b.params, 0)), count(graph.blocks.reduce((s, b) => s + b.macs, 0))];
  const all = [header, ...rows, total];
  const widths = header.map((_, c) => Math.max(...all.map((r) => r[c].length)));
  const line = (r: string[]): string => r.map((cell, c) => (c >= 6 ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line), line(total)].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const { flags, positional, isHelp } = parseArgs(argv, SPEC);
  if (isHelp || positional.length !== 1) {
    console.log(usage('inspect', SYNOPSIS, SPEC));
    return isHelp ? 0 : 2;
  }
  const started = performance.now();
  try {
    const dir = resolveModelDir(positional[0]);
    const output = flags.output === null ? undefined : /^\d+$/.test(flags.output) ? Number(flags.output) : flags.output;
    const validated = await validateModelFolder(dir, { batchSize: flags.batch ?? 32, output });
    const graph = buildBlockGraph(validated.flat, validated.name);
    if (flags.load) {
      tf.env().set('PROD', true);
      await tf.setBackend('cpu');
      (await loadValidatedModel(validated)).dispose();
    }
    const ms = Math.round(performance.now() - started);
    if (flags.json) {
      console.log(JSON.stringify({ name: validated.name, classNames: validated.classNames, memory: validated.memory, files: validated.files, outputs: validated.outputs, chosenOutput: validated.chosenOutput, warnings: validated.warnings, graph }, null, 2));
    } else {
      console.log(`${validated.name}: input ${shape(validated.inputShape)}, ${validated.numClasses} classes${validated.classNames ? ` (${validated.classNames.join(', ')})` : ''}, ${validated.files.length} files${flags.load ? ', loads in tfjs' : ''} (${ms} ms)`);
      console.log(`memory estimate: ${(validated.memory.totalBytes / 2 ** 20).toFixed(1)} MB to train with batch ${validated.memory.batchSize}`);
      for (const w of validated.warnings) console.log(`note: ${w.message}`);
      console.log(`\n${formatBlockTable(graph)}`);
      for (const b of graph.blocks) if (b.unsearchableReason) console.log(`block ${b.index} (${b.name}) cannot be searched: ${b.unsearchableReason}`);
    }
    return 0;
  } catch (err) {
    const data = toErrorData(err);
    if (flags.json) console.log(JSON.stringify({ error: { name: data.name, message: data.message, file: data.file, field: data.field, fix: data.fix } }, null, 2));
    else console.error([`error: ${data.message}`, data.file && `  file:  ${data.file}`, data.field && `  field: ${data.field}`, data.fix && `  fix:   ${data.fix}`].filter(Boolean).join('\n'));
    return 1;
  }
}

runWhenEntry('inspect.ts', 'inspect', SYNOPSIS, SPEC, main);

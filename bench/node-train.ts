/**
 * Samples/s of training the TFJS-NOTES small CNN (28×28×1, conv 16-32-64-64, batch 64) in Node,
 * per backend, with the lab's training support installed. Synthetic data: speed does not depend
 * on pixel values. Run: npx tsx bench/node-train.ts [--batches 8] [--cpu-batches 1] [--backends cpu,wasm]
 */
import * as os from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { parseArgs, usage } from '../src/cli/args';
import { useNodeTrainingBackend, type NodeTrainingBackend } from '../src/cli/node-backend';
import { createRng } from '../src/core/random';

const FLAGS = {
  batches: { type: 'number', default: 8, help: 'timed batches on wasm (after one warm-up batch)' },
  'cpu-batches': { type: 'number', default: 1, help: 'timed batches on cpu (slow: about a minute each here)' },
  'batch-size': { type: 'number', default: 64, help: 'samples per batch' },
  backends: { type: 'string', default: 'cpu,wasm', help: 'comma-separated backends to measure (cpu, wasm)' },
} as const;

/** conv 16-32-64-64 (3×3, relu, same; max-pool after the first two), then dense 10. */
function smallCnn(): tf.Sequential {
  return tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 16, kernelSize: 3, padding: 'same', activation: 'relu' }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.conv2d({ filters: 32, kernelSize: 3, padding: 'same', activation: 'relu' }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.conv2d({ filters: 64, kernelSize: 3, padding: 'same', activation: 'relu' }),
      tf.layers.conv2d({ filters: 64, kernelSize: 3, padding: 'same', activation: 'relu' }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 10 }),
    ],
  });
}

/** Trains `batches` batches after one warm-up and returns samples per second. */
async function measure(backend: NodeTrainingBackend, batches: number, batchSize: number): Promise<number> {
  const active = await useNodeTrainingBackend(backend);
  if (active !== backend) throw new Error(`wanted ${backend}, got ${active}`);
  const rng = createRng(1);
  const xs = tf.tensor4d(Float32Array.from({ length: batchSize * 784 }, () => rng.next()), [batchSize, 28, 28, 1]);
  const ys = tf.oneHot(Array.from({ length: batchSize }, () => rng.int(10)), 10);
  const model = smallCnn();
  const optimizer = tf.train.adam(1e-3);
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const step = async () => {
    const loss = optimizer.minimize(() => tf.losses.softmaxCrossEntropy(ys, model.apply(xs, { training: true }) as tf.Tensor) as tf.Scalar, true, vars);
    await loss?.data();
    loss?.dispose();
  };
  await step();
  const started = performance.now();
  for (let b = 0; b < batches; b++) await step();
  const seconds = (performance.now() - started) / 1000;
  tf.dispose([xs, ys]);
  optimizer.dispose();
  model.dispose();
  return (batches * batchSize) / seconds;
}

async function main(): Promise<void> {
  const { flags, isHelp } = parseArgs(process.argv.slice(2), FLAGS);
  if (isHelp) {
    console.log(usage('bench:node-train', '[flags]', FLAGS));
    return;
  }
  const backends = flags.backends.split(',').map((b) => b.trim());
  const rows: Array<{ backend: NodeTrainingBackend; batches: number; rate: number }> = [];
  for (const backend of ['cpu', 'wasm'] as const) {
    if (!backends.includes(backend)) continue;
    const batches = backend === 'cpu' ? flags['cpu-batches'] : flags.batches;
    rows.push({ backend, batches, rate: await measure(backend, batches, flags['batch-size']) });
  }
  const simd = tf.env().getBool('WASM_HAS_SIMD_SUPPORT');
  const threads = tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT');
  console.log(`Node ${process.version}, tfjs ${tf.version.tfjs}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'CPU'}; wasm SIMD ${simd}, threads ${threads}`);
  console.log(`small CNN 28×28×1, conv 16-32-64-64, batch ${flags['batch-size']}\n`);
  console.log('| backend | batches | samples/s |\n|---|---|---|');
  for (const r of rows) console.log(`| ${r.backend} | ${r.batches} | ${r.rate.toFixed(1)} |`);
  const [cpu, wasm] = [rows.find((r) => r.backend === 'cpu'), rows.find((r) => r.backend === 'wasm')];
  if (cpu && wasm) console.log(`\nwasm / cpu: ${(wasm.rate / cpu.rate).toFixed(1)}×`);
  console.log(`load average at the end: ${os.loadavg().map((l) => l.toFixed(1)).join(', ')} (shared machine: compare runs only side by side)`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});

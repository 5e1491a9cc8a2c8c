// Shared fixtures for the store tests (not a test file itself).
import 'fake-indexeddb/auto';
import { connectLabDb, type LabDb } from '../../../src/store/db';
import { createMemoryDb } from '../../../src/store/memory-db';
import type { CheckpointInput } from '../../../src/store/checkpoints';
import type { NewSession } from '../../../src/store/sessions';
import type { EpochMetrics, TensorData } from '../../../src/core/types';

let counter = 0;
/** A database name no other test uses (fake-indexeddb is one global factory per file). */
export function uniqueName(): string {
  counter += 1;
  return `archrepair-test-${counter}`;
}

/** Both implementations of LabDb, so every behaviour is checked on each. */
export const BACKENDS: { name: string; open: () => Promise<LabDb> }[] = [
  { name: 'indexeddb', open: async () => (await connectLabDb({ name: uniqueName() })).db },
  { name: 'memory', open: async () => createMemoryDb() },
];

/** A float32 tensor whose values depend on `seed`, so two tensors differ byte for byte. */
export function tensor(shape: number[], seed: number): TensorData {
  const size = shape.reduce((a, b) => a * b, 1);
  const values = new Float32Array(size);
  for (let i = 0; i < size; i++) values[i] = Math.sin(seed * 31 + i) * 0.5;
  return { shape, dtype: 'float32', data: values.buffer };
}

export function metrics(epoch: number, accValidation: number): EpochMetrics {
  return {
    epoch,
    lossWeights: 1 / epoch,
    lossAlpha: 1.1 / epoch,
    accFailures: 0.5,
    accValidation,
    accAdversarial: 0.3,
    alphaSoftmax: [[0.5, 0.5]],
    alphaEntropy: 1,
    ops: ['none', 'skip_connect'],
    genotype: { steps: 1, edges: [{ node: 1, from: 0, op: 'skip_connect' }], concat: [1] },
    wallMs: 10,
    samplesPerSecond: 100,
  };
}

export function newSession(id = 's1'): NewSession {
  return { id, name: 'Repair conv unit 2', modelId: 'm1', modelName: 'demo-cnn', datasetName: 'mnist-test', corruption: 'fog', severity: 3, config: { steps: 2, seed: 7 } };
}

/** The checkpoint of `epoch` with validation accuracy `acc`; tensors derived from the epoch. */
export function checkpointInput(sessionId: string, epoch: number, acc: number): CheckpointInput {
  return {
    sessionId,
    epoch,
    alpha: tensor([5, 8], epoch),
    supernet: { 'cell/edge0/w': tensor([3, 3, 2, 4], epoch + 100), 'cell/bn/mean': tensor([4], epoch + 200) },
    optimizer: { 'alpha/adam/m': tensor([5, 8], epoch + 300), 'w/momentum': { shape: [2], dtype: 'int32', data: new Int32Array([epoch, -epoch]).buffer } },
    counters: { adamStep: epoch * 10 },
    rngState: 1000 + epoch,
    timings: { searchMs: 12.5 },
    accValidation: acc,
    metrics: metrics(epoch, acc),
  };
}

/** The bytes of a buffer as a plain array (for byte-for-byte equality). */
export function bytes(data: ArrayBuffer): number[] {
  return Array.from(new Uint8Array(data));
}

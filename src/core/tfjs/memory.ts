import * as tf from '@tensorflow/tfjs';
import type { MemoryInfo } from '../types';

/** tfjs memory as plain numbers. */
export function memoryInfo(): MemoryInfo {
  const m = tf.memory() as tf.MemoryInfo & { numBytesInGPU?: number };
  return { numTensors: m.numTensors, numBytes: m.numBytes, numBytesInGPU: m.numBytesInGPU ?? null };
}

/** Runs `fn` and reports how many tensors it left behind (for leak tests). */
export async function tensorsLeakedBy(fn: () => Promise<unknown> | unknown): Promise<number> {
  const before = tf.memory().numTensors;
  await fn();
  return tf.memory().numTensors - before;
}

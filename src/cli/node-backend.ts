import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { LabError } from '../core/errors';
import { installTrainingSupport } from '../core/tfjs/install';

/** A backend the CLI can train on in Node. */
export type NodeTrainingBackend = 'wasm' | 'cpu';

/**
 * Installs training support and activates a training backend in Node: wasm by default (about ten
 * times faster than cpu for conv nets), cpu when wasm cannot start. Returns the active backend name.
 *
 * wasm runs on one thread in Node: tfjs-backend-wasm 4.22 reports no thread support there
 * (WASM_HAS_MULTITHREAD_SUPPORT is false under Node, tfjs issue #3830), and forcing the flag
 * fails because its pthread workers start from a blob: URL, which Node's worker_threads refuse.
 */
export async function useNodeTrainingBackend(preferred: NodeTrainingBackend = 'wasm'): Promise<string> {
  installTrainingSupport();
  const order: NodeTrainingBackend[] = preferred === 'cpu' ? ['cpu'] : ['wasm', 'cpu'];
  const failures: string[] = [];
  for (const name of order) {
    try {
      if (await tf.setBackend(name)) {
        await tf.ready();
        return tf.getBackend();
      }
      failures.push(`${name}: failed to initialise`);
    } catch (err) {
      failures.push(`${name}: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
    }
  }
  throw new LabError(`No training backend could start in Node (${failures.join('; ')}).`, {
    field: 'backend',
    fix: 'Run with Node 20 or newer; the cpu backend needs nothing else.',
  });
}

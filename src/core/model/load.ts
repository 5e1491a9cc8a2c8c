/** Validated model files → a tf.LayersModel, with a timeout guard around tfjs. */
import * as tf from '@tensorflow/tfjs';
import { LabError } from '../errors';
import type { ValidatedModel } from './validate';

/** Default time tfjs may take to build a validated model before the lab gives up (ms). */
export const DEFAULT_LOAD_TIMEOUT_MS = 30_000;

/** Builds the LayersModel from validated artifacts; tfjs failures and time-outs become LabErrors. */
export async function loadValidatedModel(model: ValidatedModel, timeoutMs = DEFAULT_LOAD_TIMEOUT_MS): Promise<tf.LayersModel> {
  const handler = tf.io.fromMemory({ modelTopology: model.modelTopology, weightSpecs: model.weightSpecs, weightData: model.weightData, format: 'layers-model' });
  const variablesBefore = new Set(Object.keys(tf.engine().registeredVariables));
  const loading = tf.loadLayersModel(handler, { strict: true });
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new LabError(`tfjs did not finish building "${model.name}" within ${Math.round(timeoutMs / 1000)} s.`, { file: 'model.json', field: 'modelTopology', fix: 'The model may be too large for this device; try a smaller model or another backend.' })), timeoutMs);
  });
  try {
    return await Promise.race([loading, timeout]);
  } catch (err) {
    // A load that finishes after the time-out must not leak its weights.
    loading.then((m) => m.dispose()).catch(() => disposeOrphanVariables(variablesBefore, model));
    if (err instanceof LabError) throw err;
    throw new LabError(`tfjs could not build the model: ${(err as Error).message}`, { file: 'model.json', field: 'modelTopology', fix: 'Export the model again with tfjs model.save() or tensorflowjs_converter --input_format keras; if it persists, the model uses a feature tfjs 4.22 does not support.' });
  } finally {
    clearTimeout(timer);
  }
}

/**
 * tfjs builds layers (creating their weight variables) before a later layer's config fails to
 * deserialise, and then drops the half-built model without disposing it. Dispose the variables
 * that appeared during the load and belong to this model's layers (names start `layer/`).
 */
function disposeOrphanVariables(before: ReadonlySet<string>, model: ValidatedModel): void {
  const prefixes = model.flat.layers.map((l) => `${l.kerasName}/`);
  const variables = tf.engine().registeredVariables;
  for (const name of Object.keys(variables)) {
    if (!before.has(name) && prefixes.some((p) => name.startsWith(p))) variables[name].dispose();
  }
}

/**
 * Disposes a model and all its weights. tfjs 4.22's `dispose()` misses the variables of some
 * nested models (seen: 4 of 16 left behind for a Sequential inside a Sequential loaded from JSON).
 */
export function disposeModel(model: tf.LayersModel): void {
  const weights = model.weights;
  model.dispose();
  const variables = tf.engine().registeredVariables;
  for (const w of weights) variables[w.name]?.dispose();
}

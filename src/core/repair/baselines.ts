import * as tf from '@tensorflow/tfjs';
import type { BlockGraph, ProgressCallback } from '../types';
import type { CancelToken } from '../progress';
import type { Split } from '../search/batches';
import { splitModel } from '../model/split';
import { graphLayers } from '../model/layer-map';
import { cloneModel } from './clone';
import { asLogits, trainVariables, type LogitsFn, type TrainSettings } from './train';

/** The repair levels compared in the paper's empirical study and RQ1/RQ4. */
export const BASELINE_NAMES = ['network-finetune', 'layer-weights', 'block-weights'] as const;
export type BaselineName = (typeof BASELINE_NAMES)[number];

export const BASELINE_LABELS: Record<BaselineName | 'archrepair' | 'original', string> = {
  original: 'original model',
  'network-finetune': 'network-level fine-tune',
  'layer-weights': 'layer-level weight repair (most-gradient layer)',
  'block-weights': 'block-level weight-only repair (same block)',
  archrepair: 'ArchRepair (block architecture + weights)',
};

/** The data each baseline trains on: full images of D_repair, and their block inputs for the block baseline. */
export interface BaselineData {
  images: Split;
  blockInputs: Split;
}

export interface BaselineResult {
  name: BaselineName;
  model: tf.LayersModel;
  /** What was trained (layer names). */
  trained: string[];
  losses: number[];
}

/** Runs one baseline on a copy of the model under the same epoch budget as ArchRepair's fine-tune. */
export async function runBaseline(
  name: BaselineName,
  original: tf.LayersModel,
  graph: BlockGraph,
  blockIndex: number,
  isProbabilities: boolean,
  data: BaselineData,
  settings: TrainSettings,
  cancel?: CancelToken,
  onProgress?: ProgressCallback,
): Promise<BaselineResult> {
  const model = await cloneModel(original);
  const layers = graphLayers(model, graph);
  const phase = `baseline: ${name}`;
  const fullForward: LogitsFn = (x) => asLogits(model.apply(x, { training: false }) as tf.Tensor, isProbabilities);
  const varsOf = (names: string[]) => names.flatMap((n) => layers.get(n)?.trainableWeights.map((w) => w.read() as tf.Variable) ?? []);
  try {
    if (name === 'network-finetune') {
      const trained = graph.layers.filter((l) => l.params > 0).map((l) => l.name);
      const losses = await trainVariables(fullForward, varsOf(trained), data.images, { ...settings, learningRate: settings.learningRate / 4 }, phase, cancel, onProgress);
      return { name, model, trained, losses };
    }
    if (name === 'layer-weights') {
      const layer = await mostGradientLayer(model, graph, isProbabilities, data.images);
      const losses = await trainVariables(fullForward, varsOf([layer]), data.images, settings, phase, cancel, onProgress);
      return { name, model, trained: [layer], losses };
    }
    const split = splitModel(model, graph, blockIndex);
    const trained = graph.blocks[blockIndex].layers;
    const forward: LogitsFn = (x) => asLogits(split.suffix(split.block(x)), isProbabilities);
    const losses = await trainVariables(forward, varsOf(trained), data.blockInputs, settings, phase, cancel, onProgress);
    split.dispose();
    return { name, model, trained, losses };
  } catch (err) {
    model.dispose();
    throw err;
  }
}

/** The weighted layer with the largest mean per-parameter gradient magnitude on the failures (empirical-study rule). */
async function mostGradientLayer(model: tf.LayersModel, graph: BlockGraph, isProbabilities: boolean, data: Split): Promise<string> {
  const layers = graphLayers(model, graph);
  const weighted = graph.layers.filter((l) => l.params > 0 && (layers.get(l.name)?.trainableWeights.length ?? 0) > 0);
  const failing = Array.from(data.isFailure ?? new Uint8Array(data.shape[0]).fill(1)).flatMap((f, i) => (f ? [i] : [])).slice(0, 256);
  const [, h, w, c] = data.shape;
  const x = tf.tensor4d(Float32Array.from(failing.flatMap((i) => Array.from(data.inputs.subarray(i * h * w * c, (i + 1) * h * w * c)))), [failing.length, h, w, c]);
  const y = tf.tensor1d(Int32Array.from(failing, (i) => data.labels[i]), 'int32');
  const vars = weighted.map((l) => layers.get(l.name)!.trainableWeights.map((wt) => wt.read() as tf.Variable));
  const { grads } = tf.variableGrads(() => {
    const logits = asLogits(model.apply(x, { training: false }) as tf.Tensor, isProbabilities);
    return tf.losses.softmaxCrossEntropy(tf.oneHot(y, logits.shape[1] ?? 1), logits) as tf.Scalar;
  }, vars.flat());
  const scores = tf.tidy(() => tf.stack(vars.map((vs) => tf.addN(vs.map((v) => grads[v.name].abs().sum())).div(vs.reduce((s, v) => s + v.size, 0)))));
  const values = await scores.data();
  tf.dispose([x, y, scores, ...Object.values(grads)]);
  let best = 0;
  values.forEach((v, i) => (best = v > values[best] ? i : best));
  return weighted[best].name;
}

import * as tf from '@tensorflow/tfjs';
import type { CancelToken } from '../progress';
import type { ProgressCallback } from '../types';
import type { Batch, Split } from '../search/batches';
import { repairLoss } from '../search/repair-loss';
import { accuracyOf, predictSplit, trainWithLoss, type LogitsFn } from './train';
import { isBetterCandidate, selectCandidate, type CandidateScore, type Selection } from './selection';

/** The validation images (or block inputs) that choose among candidates: clean and drifted. */
export interface ValidationData {
  clean: Split;
  drift: Split;
}

export interface SelectiveTrainRequest {
  /** Inputs of the trained part → logits; every method trains in inference mode (BN statistics frozen). */
  forward: LogitsFn;
  /** Extra loss terms of a method on the same batch (ArchRepair's correction penalty); added to the repair loss. */
  trainingLoss?: (batch: Batch) => tf.Scalar;
  /** What Adam updates. */
  variables: tf.Variable[];
  /** What a candidate is: the trained variables plus anything `afterEpoch` changes (BN statistics). */
  state: tf.Variable[];
  train: Split;
  validation: ValidationData;
  /** The original model's validation accuracies (candidate epoch 0). */
  original: CandidateScore;
  settings: { epochs: number; batchSize: number; learningRate: number; seed: number; distillWeight: number; slower?: { variables: tf.Variable[]; rate: number } };
  /** Runs after each epoch, before the candidate is scored (e.g. exact BN statistics). */
  afterEpoch?: () => Promise<void>;
  phase: string;
  cancel?: CancelToken;
  onProgress?: ProgressCallback;
}

export interface SelectiveTrainResult {
  losses: number[];
  selection: Selection;
}

/** Accuracy of `forward` on the clean and drifted validation splits. */
export async function scoreCandidate(forward: LogitsFn, validation: ValidationData, epoch: number): Promise<CandidateScore> {
  const clean = accuracyOf(await predictSplit(forward, validation.clean), validation.clean.labels);
  const drift = accuracyOf(await predictSplit(forward, validation.drift), validation.drift.labels);
  return { epoch, clean, drift };
}

/**
 * Trains with the repair loss (repair-loss.ts) and applies the do-no-harm rule (selection.ts)
 * after every epoch. On return the state holds the chosen candidate; when the rule keeps the
 * original, the state is back where it started.
 */
export async function trainWithSelection(req: SelectiveTrainRequest): Promise<SelectiveTrainResult> {
  const snapshot = () => req.state.map((v) => v.clone());
  const restore = (values: tf.Tensor[]) => req.state.forEach((v, i) => v.assign(values[i]));
  const initial = snapshot();
  let best: { score: CandidateScore; values: tf.Tensor[] } = { score: req.original, values: initial };
  const candidates: CandidateScore[] = [];
  try {
    const lossOf = req.trainingLoss ?? ((batch: Batch) => repairLoss(req.forward(batch.x, false), batch, req.settings.distillWeight));
    const losses = await trainWithLoss(lossOf, req.variables, req.train, {
      ...req.settings,
      onEpochEnd: async (epoch) => {
        await req.afterEpoch?.();
        const score = await scoreCandidate(req.forward, req.validation, epoch + 1);
        candidates.push(score);
        if (isBetterCandidate(score, best.score, req.original)) {
          if (best.values !== initial) tf.dispose(best.values);
          best = { score, values: snapshot() };
        }
      },
    }, req.phase, req.cancel, req.onProgress);
    restore(best.values);
    return { losses, selection: selectCandidate(req.original, candidates) };
  } finally {
    if (best.values !== initial) tf.dispose(best.values);
    tf.dispose(initial);
  }
}

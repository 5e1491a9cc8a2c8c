import * as tf from '@tensorflow/tfjs';
import type { CancelToken } from '../progress';
import type { ProgressCallback } from '../types';
import type { Batch, Split } from '../search/batches';
import { repairLoss } from '../search/repair-loss';
import { accuracyOf, predictSplit, trainWithLoss, type LogitsFn } from './train';
import { CANDIDATE_MIXES, harmsRobustness, mayBeatBest, pairedStandardError, selectCandidate, worstHarm, type CandidateScore, type CorruptionHarm, type Selection } from './selection';

/** One set of the robustness guard: the validation images under another corruption, and where the original is right on them. */
export interface GuardSet {
  label: string;
  images: Split;
  originalCorrect: Uint8Array;
}

/** The validation images that choose among candidates: clean and drifted (always images, whatever a method trains on). */
export interface ValidationData {
  clean: Split;
  drift: Split;
  /** 1 where the original model is right on a clean image: the pairing of every candidate's clean standard error. */
  originalCorrect?: Uint8Array;
  /** The robustness guard's sets; absent: no guard. */
  guard?: readonly GuardSet[];
}

export interface SelectiveTrainRequest {
  /** Inputs of the trained part → logits; every method trains in inference mode (BN statistics frozen). */
  forward: LogitsFn;
  /** Images → logits, for the validation and guard sets when `forward` takes block inputs (default: `forward`). */
  imageForward?: LogitsFn;
  /** Extra loss terms of a method on the same batch (ArchRepair's correction penalty); added to the repair loss. */
  trainingLoss?: (batch: Batch) => tf.Scalar;
  /** What Adam updates. */
  variables: tf.Variable[];
  /** What a candidate is: the trained variables (and any other state a method's candidate holds). */
  state: tf.Variable[];
  train: Split;
  validation: ValidationData;
  /** The original model's validation accuracies (candidate epoch 0). */
  original: CandidateScore;
  /** The selection's clean bound (RepairConfig.cleanTolerance). */
  cleanTolerance: number;
  settings: { epochs: number; batchSize: number; learningRate: number; seed: number; distillWeight: number; slower?: { variables: tf.Variable[]; rate: number } };
  phase: string;
  cancel?: CancelToken;
  onProgress?: ProgressCallback;
}

export interface SelectiveTrainResult {
  losses: number[];
  selection: Selection;
}

/** Accuracy of `forward` on the clean and drifted validation splits, and its per-image clean correctness. */
async function scored(forward: LogitsFn, validation: ValidationData, epoch: number): Promise<{ score: CandidateScore; correct: Uint8Array }> {
  const correct = await correctnessOf(forward, validation.clean);
  const clean = correct.reduce((a, b) => a + b, 0) / Math.max(1, correct.length);
  const drift = accuracyOf(await predictSplit(forward, validation.drift), validation.drift.labels);
  return { score: { epoch, clean, drift, ...(validation.originalCorrect ? { cleanSE: pairedStandardError(correct, validation.originalCorrect) } : {}) }, correct };
}

/** Accuracy of `forward` on the clean and drifted validation splits. */
export async function scoreCandidate(forward: LogitsFn, validation: ValidationData, epoch: number): Promise<CandidateScore> {
  return (await scored(forward, validation, epoch)).score;
}

/** The original model's score (epoch 0) and its clean correctness, which pairs every candidate's standard error (`ValidationData.originalCorrect`), from one pass. */
export async function scoreOriginal(forward: LogitsFn, validation: ValidationData): Promise<{ score: CandidateScore; originalCorrect: Uint8Array }> {
  const { score, correct } = await scored(forward, validation, 0);
  return { score: { ...score, cleanSE: 0 }, originalCorrect: correct };
}

/**
 * The robustness guard's finding for a candidate: its worst change over every guard set
 * (selection.ts worstHarm) when none is harmful, otherwise the first harmful set found — the
 * rule needs no more, and each set is a pass over the validation images. `first` names the set
 * to try first (the corruption that turned the last candidate down: fine-tunes of one run tend
 * to harm the same one).
 */
export async function guardHarm(forward: LogitsFn, guard: readonly GuardSet[], first?: string): Promise<CorruptionHarm | undefined> {
  const changes: CorruptionHarm[] = [];
  const ordered = first ? [...guard.filter((g) => g.label === first), ...guard.filter((g) => g.label !== first)] : guard;
  for (const set of ordered) {
    const correct = await correctnessOf(forward, set.images);
    const n = Math.max(1, correct.length);
    const drop = (set.originalCorrect.reduce((a, b) => a + b, 0) - correct.reduce((a, b) => a + b, 0)) / n;
    const change = { label: set.label, drop, se: pairedStandardError(correct, set.originalCorrect) };
    if (harmsRobustness({ harm: change })) return change;
    changes.push(change);
  }
  return worstHarm(changes);
}

/** 1 where `forward` is right on an example of `images`. */
export async function correctnessOf(forward: LogitsFn, images: Split): Promise<Uint8Array> {
  return correctness(await predictSplit(forward, images), images.labels);
}

/** 1 where the prediction is the label. */
function correctness(predicted: ArrayLike<number>, labels: ArrayLike<number>): Uint8Array {
  return Uint8Array.from({ length: labels.length }, (_, i) => (predicted[i] === labels[i] ? 1 : 0));
}

/**
 * Trains with the repair loss (repair-loss.ts) and applies the do-no-harm rule (selection.ts)
 * after every epoch to the epoch's weights and their blends with the starting weights
 * (CANDIDATE_MIXES); training itself continues from the epoch's own weights. The robustness
 * guard runs only on the candidates that would become the best, in order of their drifted
 * accuracy, until one passes (a passing check is a pass over every guard set; a failing one
 * stops at the first harmful set, tried from the corruption that turned the last candidate
 * down). On return the state holds the chosen candidate; when the rule keeps the original, the
 * state is back where it started.
 */
export async function trainWithSelection(req: SelectiveTrainRequest): Promise<SelectiveTrainResult> {
  const snapshot = () => req.state.map((v) => v.clone());
  const restore = (values: tf.Tensor[]) => req.state.forEach((v, i) => v.assign(values[i]));
  const initial = snapshot();
  let best: { score: CandidateScore; values: tf.Tensor[] } = { score: req.original, values: initial };
  const candidates: CandidateScore[] = [];
  const guard = req.validation.guard ?? [];
  const imageForward = req.imageForward ?? req.forward;
  let suspect: string | undefined;
  try {
    const lossOf = req.trainingLoss ?? ((batch: Batch) => repairLoss(req.forward(batch.x, false), batch, req.settings.distillWeight));
    const losses = await trainWithLoss(lossOf, req.variables, req.train, {
      ...req.settings,
      onEpochEnd: async (epoch) => {
        const trained = snapshot();
        const setMix = (mix: number) => {
          if (mix === 1) restore(trained);
          else tf.tidy(() => req.state.forEach((v, i) => v.assign(initial[i].add(trained[i].sub(initial[i]).mul(mix)))));
        };
        try {
          const scores: CandidateScore[] = [];
          for (const mix of CANDIDATE_MIXES) {
            setMix(mix);
            scores.push({ ...(await scoreCandidate(imageForward, req.validation, epoch + 1)), mix });
          }
          candidates.push(...scores);
          const contenders = scores.filter((c) => mayBeatBest(c, best.score, req.original, req.cleanTolerance)).sort((a, b) => b.drift - a.drift);
          for (const c of contenders) {
            setMix(c.mix ?? 1);
            if (guard.length) c.harm = await guardHarm(imageForward, guard, suspect);
            if (harmsRobustness(c)) {
              suspect = c.harm?.label;
              continue;
            }
            if (best.values !== initial) tf.dispose(best.values);
            best = { score: c, values: snapshot() };
            break;
          }
        } finally {
          restore(trained);
          tf.dispose(trained);
        }
      },
    }, req.phase, req.cancel, req.onProgress);
    restore(best.values);
    return { losses, selection: { ...selectCandidate(req.original, candidates, req.cleanTolerance, guard.length > 0), cleanImages: req.validation.clean.shape[0] } };
  } finally {
    if (best.values !== initial) tf.dispose(best.values);
    tf.dispose(initial);
  }
}

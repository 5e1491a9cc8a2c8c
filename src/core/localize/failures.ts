import * as tf from '@tensorflow/tfjs';
import { LabError } from '../errors';
import { subset, type Dataset } from '../data/dataset';
import { phaseReporter, yieldToEventLoop, type CancelToken } from '../progress';
import { createRng, shuffled, type Rng } from '../random';
import type { ProgressCallback } from '../types';
import { batchRanges, batchTensors } from './batches';

/** Anything that maps images [N, H, W, C] in [0, 1] to class scores [N, classes] in inference mode. */
export interface Classifier {
  predict(x: tf.Tensor4D): tf.Tensor2D;
}

/** How many failures to keep and how to evaluate. */
export interface FailureSettings {
  /** Most failing examples to keep, 1..100000 (a seeded random selection when there are more). */
  cap: number;
  seed: number;
  /** Examples per inference batch, 1..1024. */
  batchSize: number;
}

/** Defaults: keep up to 1000 failures, batches of 128. */
export const DEFAULT_FAILURE_SETTINGS: FailureSettings = { cap: 1000, seed: 1, batchSize: 128 };

/** Accuracy of one class on the evaluated set. */
export interface ClassCount {
  className: string;
  total: number;
  correct: number;
}

/**
 * The failing examples F (misclassified) and a matched sample P of correctly classified ones,
 * as indices into the evaluated dataset plus the model's predictions: plain data for the UI.
 */
export interface FailureSet {
  datasetName: string;
  /** Examples evaluated. */
  count: number;
  /** Correct / count, in [0, 1]. */
  accuracy: number;
  /** Misclassified examples before the cap. */
  failingTotal: number;
  /** Kept failing examples (ascending) and what the model predicted for each. */
  failingIndices: number[];
  failingPredictions: number[];
  /** As many correctly classified examples as kept failures (fewer if there are not enough), class-balanced. */
  passingIndices: number[];
  passingPredictions: number[];
  perClass: ClassCount[];
  settings: FailureSettings;
}

/** Predicted class for every example of `ds`, in batches (one `await data()` per batch). */
export async function predictClasses(model: Classifier, ds: Dataset, batchSize: number, cancel?: CancelToken, report?: (done: number) => void): Promise<Int32Array> {
  const predicted = new Int32Array(ds.count);
  for (const [start, end] of batchRanges(ds.count, batchSize)) {
    cancel?.throwIfCancelled('evaluation');
    const classes = tf.tidy(() => tf.argMax(model.predict(batchTensors(ds, start, end).x), 1));
    try {
      predicted.set(await classes.data(), start);
    } finally {
      classes.dispose();
    }
    report?.(end);
    await yieldToEventLoop();
  }
  return predicted;
}

/** Takes up to `size` items round-robin over the classes (each class's list already shuffled). */
function classBalanced(byClass: number[][], size: number): number[] {
  const taken: number[] = [];
  const cursors = byClass.map(() => 0);
  while (taken.length < size && byClass.some((list, c) => cursors[c] < list.length)) {
    byClass.forEach((list, c) => {
      if (taken.length < size && cursors[c] < list.length) taken.push(list[cursors[c]++]);
    });
  }
  return taken;
}

function pick(indices: number[], size: number, rng: Rng): number[] {
  return indices.length <= size ? indices : shuffled(indices, rng).slice(0, size).sort((a, b) => a - b);
}

function validate(partial: Partial<FailureSettings>): FailureSettings {
  const s = { ...DEFAULT_FAILURE_SETTINGS, ...partial };
  const check = (field: keyof FailureSettings, lo: number, hi: number) => {
    if (!Number.isInteger(s[field]) || s[field] < lo || s[field] > hi) throw new LabError(`Failure collection: ${field} must be a whole number from ${lo} to ${hi}, got ${s[field]}.`, { field, fix: `Set ${field} between ${lo} and ${hi}.` });
  };
  check('cap', 1, 100000);
  check('seed', 0, 2 ** 31 - 1);
  check('batchSize', 1, 1024);
  return s;
}

/** Evaluates `model` on `ds` and builds the FailureSet (phase 'evaluate'). */
export async function collectFailures(model: Classifier, ds: Dataset, partial: Partial<FailureSettings> = {}, cancel?: CancelToken, onProgress?: ProgressCallback): Promise<FailureSet> {
  const settings = validate(partial);
  if (ds.count === 0) throw new LabError(`The dataset "${ds.name}" has no examples.`, { field: 'dataset', fix: 'Choose a dataset with images in it.' });
  const predicted = await predictClasses(model, ds, settings.batchSize, cancel, phaseReporter('evaluate', ds.count, onProgress));
  const perClass = ds.classNames.map((className) => ({ className, total: 0, correct: 0 }));
  const failing: number[] = [];
  const correctByClass: number[][] = ds.classNames.map(() => []);
  for (let n = 0; n < ds.count; n++) {
    const label = ds.labels[n];
    const counts = perClass[label];
    if (counts) counts.total++;
    if (predicted[n] === label) {
      if (counts) counts.correct++;
      correctByClass[label]?.push(n);
    } else failing.push(n);
  }
  const rng = createRng(settings.seed);
  const failingIndices = pick(failing, settings.cap, rng);
  const passingIndices = classBalanced(correctByClass.map((list) => shuffled(list, rng)), failingIndices.length).sort((a, b) => a - b);
  return {
    datasetName: ds.name,
    count: ds.count,
    accuracy: (ds.count - failing.length) / ds.count,
    failingTotal: failing.length,
    failingIndices,
    failingPredictions: failingIndices.map((n) => predicted[n]),
    passingIndices,
    passingPredictions: passingIndices.map((n) => predicted[n]),
    perClass,
    settings,
  };
}

/** The examples of a FailureSet as one Dataset: the failing ones first, then the passing ones. */
export function failureExamples(ds: Dataset, set: FailureSet): Dataset {
  return subset(ds, [...set.failingIndices, ...set.passingIndices], `${ds.name}-failures`);
}

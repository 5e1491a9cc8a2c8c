import type { Dataset } from '../data/dataset';
import type { CancelToken } from '../progress';

/** Predicted class per image of a dataset (batched inference by the caller's model). */
export type DatasetPredictor = (ds: Dataset, cancel?: CancelToken) => Promise<Int32Array>;

/** Accuracy of one model on one evaluation set. */
export interface AccuracyRow {
  /** 'clean' or the corruption name. */
  label: string;
  severity: number;
  count: number;
  accuracy: number;
}

/** Per-set predictions kept for confusion matrices and fixed/broken examples. */
export interface Evaluation {
  rows: AccuracyRow[];
  predictions: Record<string, Int32Array>;
}

/** Evaluates on each named set; `sets` maps a row label to its dataset and severity. */
export async function evaluateOn(predict: DatasetPredictor, sets: readonly { label: string; severity: number; ds: Dataset }[], cancel?: CancelToken, onSet?: (done: number) => void): Promise<Evaluation> {
  const rows: AccuracyRow[] = [];
  const predictions: Record<string, Int32Array> = {};
  for (const [i, { label, severity, ds }] of sets.entries()) {
    const predicted = await predict(ds, cancel);
    predictions[label] = predicted;
    let correct = 0;
    for (let n = 0; n < ds.count; n++) if (predicted[n] === ds.labels[n]) correct++;
    rows.push({ label, severity, count: ds.count, accuracy: ds.count ? correct / ds.count : 0 });
    onSet?.(i + 1);
  }
  return { rows, predictions };
}

/** counts[true][predicted] over one set. */
export function confusionMatrix(labels: ArrayLike<number>, predicted: ArrayLike<number>, classes: number): number[][] {
  const m = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  for (let i = 0; i < labels.length; i++) m[labels[i]][predicted[i]]++;
  return m;
}

/** Indices the repair fixed (wrong → right) and broke (right → wrong). */
export function fixedAndBroken(labels: ArrayLike<number>, before: ArrayLike<number>, after: ArrayLike<number>): { fixed: number[]; broken: number[] } {
  const fixed: number[] = [];
  const broken: number[] = [];
  for (let i = 0; i < labels.length; i++) {
    const wasRight = before[i] === labels[i];
    const isRight = after[i] === labels[i];
    if (!wasRight && isRight) fixed.push(i);
    if (wasRight && !isRight) broken.push(i);
  }
  return { fixed, broken };
}

/** Accuracy per class: correct / total for each class index. */
export function perClassAccuracy(labels: ArrayLike<number>, predicted: ArrayLike<number>, classes: number): number[] {
  const total = new Array<number>(classes).fill(0);
  const correct = new Array<number>(classes).fill(0);
  for (let i = 0; i < labels.length; i++) {
    total[labels[i]]++;
    if (predicted[i] === labels[i]) correct[labels[i]]++;
  }
  return total.map((t, c) => (t ? correct[c] / t : 0));
}

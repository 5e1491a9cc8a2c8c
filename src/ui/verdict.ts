/**
 * The "do no harm" verdict as the page words it (DESIGN §4): plain sentences, the change per
 * evaluation set in points and the 2-point harm flag. No tfjs here (selection.ts and report.ts
 * import none), so the steps and their tests can use it.
 */
import { HARM_FLAG } from '../core/repair/report';
import { chosenName, isChosen, keepsClean, type CandidateScore, type RepairVerdict, type Selection } from '../core/repair/selection';

export { candidateName, chosenCandidate } from '../core/repair/selection';

export { HARM_FLAG };

/** The words the page uses when the lab kept the original model. */
export const NO_REPAIR = 'no repair found that keeps clean accuracy';

/** Accuracy in [0, 1] as a percentage with one decimal ('–' when unknown). */
export function pct(v: number | null | undefined): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '–' : `${(100 * v).toFixed(1)}%`;
}

/** after − before in points with its sign, e.g. '+3.2' or '−1.5' (a true minus sign). */
export function pointsChange(before: number, after: number): string {
  const d = 100 * (after - before);
  const text = Math.abs(d).toFixed(1);
  if (text === '0.0') return '±0.0';
  return d > 0 ? `+${text}` : `−${text}`;
}

/** True when `after` is more than HARM_FLAG (2 points) below `before` (the report's rule). */
export function isHarmful(before: number, after: number): boolean {
  return before - after > HARM_FLAG;
}

/** The text marker of a harmful drop (shown next to the number, never colour alone). */
export const HARM_MARK = '▼ drop over 2 points';

/** One candidate of a selection as the Search step's table shows it. */
export interface CandidateRow extends CandidateScore {
  /** Clean validation accuracy within the tolerance of the original's. */
  withinBound: boolean;
  /** The candidate the rule kept. */
  isChosen: boolean;
}

/** The original (epoch 0) and every candidate, with whether each keeps clean accuracy and which was kept. */
export function candidateRows(selection: Selection): CandidateRow[] {
  const row = (c: CandidateScore, isOriginal: boolean): CandidateRow => ({ ...c, withinBound: isOriginal || keepsClean(c, selection.original, selection.tolerance), isChosen: isOriginal ? selection.verdict === 'no-repair' : isChosen(selection, c) });
  return [row(selection.original, true), ...selection.candidates.map((c) => row(c, false))];
}

/** Tolerance in points, e.g. '0.5'. */
export function tolerancePoints(selection: Selection): string {
  return (100 * selection.tolerance).toFixed(1);
}

/** A method's outcome in a few words for the baselines table ('original kept', 'repaired (epoch 2)', '–' for the original itself). */
export function methodVerdict(selection: Selection | null): string {
  if (!selection) return '–';
  return selection.verdict === 'no-repair' ? 'original kept' : `repaired (${chosenName(selection)})`;
}

/** What the Export step calls the model it hands out. */
export function exportWording(verdict: RepairVerdict | null, modelName: string): { heading: string; save: string; base: string; folder: string; intro: string } {
  if (verdict === 'no-repair') {
    return {
      heading: `Download the model (unchanged: ${NO_REPAIR})`,
      save: 'Save the unchanged model in this browser',
      base: `${modelName}-unchanged`,
      folder: 'unchanged',
      intro: `No candidate improved the drifted accuracy while keeping clean accuracy within the bound, so the lab kept the original model: the files below are that original model, unchanged, and the report says why. The model is a standard TensorFlow.js LayersModel, so any tfjs app can load it.`,
    };
  }
  return {
    heading: 'Download the repaired model',
    save: 'Save in this browser',
    base: `${modelName}-repaired`,
    folder: 'repaired',
    intro: 'The repaired model is a standard TensorFlow.js LayersModel built only from ordinary Keras layers, so any tfjs app can load it. The report records what was changed and why: the ranking, the derived cell and every accuracy.',
  };
}

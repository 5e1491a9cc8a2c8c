/**
 * "Do no harm" model selection (DESIGN §4), one rule for every method: among the candidates
 * (each epoch of a training run) and the original model itself, keep the highest drifted
 * validation accuracy whose clean validation accuracy is within CLEAN_TOLERANCE of the
 * original's. When the original wins, no repair was found that keeps clean accuracy.
 */

/** Clean validation accuracy a repair may lose: 0.5 point. */
export const CLEAN_TOLERANCE = 0.005;

/** Validation accuracies of one candidate; epoch 0 is the original model. */
export interface CandidateScore {
  epoch: number;
  clean: number;
  drift: number;
}

export type RepairVerdict = 'repaired' | 'no-repair';

/** What the rule chose and from what. */
export interface Selection {
  /** 0 when the original model was kept. */
  chosenEpoch: number;
  verdict: RepairVerdict;
  original: CandidateScore;
  candidates: CandidateScore[];
  tolerance: number;
}

/** True when `candidate` keeps clean accuracy (within the tolerance) and beats `best` on the drift. */
export function isBetterCandidate(candidate: CandidateScore, best: CandidateScore, original: CandidateScore, tolerance = CLEAN_TOLERANCE): boolean {
  return candidate.clean >= original.clean - tolerance - 1e-12 && candidate.drift > best.drift;
}

/** Applies the rule to a finished list of candidates. */
export function selectCandidate(original: CandidateScore, candidates: readonly CandidateScore[], tolerance = CLEAN_TOLERANCE): Selection {
  let best = original;
  for (const c of candidates) if (isBetterCandidate(c, best, original, tolerance)) best = c;
  return { chosenEpoch: best.epoch, verdict: best === original ? 'no-repair' : 'repaired', original, candidates: [...candidates], tolerance };
}

/** The plain sentence the page, the report and the CLI show for a selection. */
export function verdictText(selection: Selection): string {
  if (selection.verdict === 'repaired') return `repaired (epoch ${selection.chosenEpoch}: drifted validation ${pct(selection.original.drift)} → ${pct(selection.candidates.find((c) => c.epoch === selection.chosenEpoch)!.drift)}, clean validation within ${(100 * selection.tolerance).toFixed(1)} point of the original)`;
  return `no repair found that keeps clean accuracy (no candidate beat the original's drifted validation accuracy ${pct(selection.original.drift)} while keeping clean validation accuracy within ${(100 * selection.tolerance).toFixed(1)} point of ${pct(selection.original.clean)}); the original model is kept`;
}

const pct = (x: number) => `${(100 * x).toFixed(1)} %`;

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

/**
 * The words of a verdict sentence, so the page can say it in the UI language; numbers arrive
 * formatted by `percent` (accuracy in [0, 1]) and `points` (a tolerance in [0, 1] as points).
 */
export interface VerdictWords {
  percent: (fraction: number) => string;
  points: (fraction: number) => string;
  repaired: (x: { epoch: number; driftBefore: string; driftAfter: string; tolerance: string }) => string;
  noRepair: (x: { drift: string; clean: string; tolerance: string }) => string;
}

/** The CLI's and the report's English. */
export const ENGLISH_VERDICT_WORDS: VerdictWords = {
  percent: (x) => `${(100 * x).toFixed(1)}%`,
  points: (x) => (100 * x).toFixed(1),
  repaired: ({ epoch, driftBefore, driftAfter, tolerance }) => `repaired (epoch ${epoch}: drifted validation ${driftBefore} → ${driftAfter}, clean validation within ${tolerance} point of the original)`,
  noRepair: ({ drift, clean, tolerance }) => `no repair found that keeps clean accuracy (no candidate beat the original's drifted validation accuracy ${drift} while keeping clean validation accuracy within ${tolerance} point of ${clean}); the original model is kept`,
};

/** The plain sentence the page, the report and the CLI show for a selection (English unless `words` say otherwise). */
export function verdictText(selection: Selection, words: VerdictWords = ENGLISH_VERDICT_WORDS): string {
  const tolerance = words.points(selection.tolerance);
  if (selection.verdict === 'repaired') {
    const kept = selection.candidates.find((c) => c.epoch === selection.chosenEpoch)!;
    return words.repaired({ epoch: selection.chosenEpoch, driftBefore: words.percent(selection.original.drift), driftAfter: words.percent(kept.drift), tolerance });
  }
  return words.noRepair({ drift: words.percent(selection.original.drift), clean: words.percent(selection.original.clean), tolerance });
}

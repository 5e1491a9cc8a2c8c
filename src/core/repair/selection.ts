/**
 * "Do no harm" model selection (DESIGN §4), one rule for every method: among the candidates
 * (each epoch of a training run, whole and blended back towards its starting weights) and the
 * original model itself, keep the highest drifted validation accuracy whose clean validation
 * accuracy is within CLEAN_TOLERANCE of the original's and that does not clearly harm any other
 * corruption of the validation images (the robustness guard, HARM_FLAG). When the original wins,
 * no repair was found that keeps clean accuracy.
 */

/** Clean validation accuracy a repair may lose: 0.5 point. */
export const CLEAN_TOLERANCE = 0.005;

/**
 * Standard errors of the paired clean change a candidate must clear the tolerance by. The rule
 * picks the best of many candidates on a few hundred validation images, so a candidate that
 * scrapes the bound there usually loses more on unseen images (the winner's curse); one
 * standard error of margin asks the clean bound to hold with ~84 % one-sided confidence.
 */
export const CLEAN_MARGIN_SE = 1;

/** A drop in accuracy on any set larger than this (2 points) is flagged in the report and the Results step, and the robustness guard rejects a candidate that clearly loses more on another corruption. */
export const HARM_FLAG = 0.02;

/**
 * Standard errors of the paired change by which a candidate's drop on another corruption must
 * exceed HARM_FLAG before the guard rejects it. The margin asks for evidence of harm, where the
 * clean rule asks for evidence of safety: the guard tests some twenty corruptions at once, and on
 * a few hundred validation images each the largest of twenty noisy differences would reject
 * nearly every fine-tuned candidate if each had to be shown harmless.
 */
export const HARM_MARGIN_SE = 1;

/**
 * The candidates of every epoch: the weights w₀ + m·(w_e − w₀) for each mix m, where w₀ are the
 * weights training started from and w_e the epoch's (weight-space ensembling, WiSE-FT, Wortsman
 * et al. 2022: blending a fine-tune back towards its start keeps most of the gain on the new
 * distribution and loses less on the old). Fixed before any run; the same for every method.
 */
export const CANDIDATE_MIXES = [0.25, 0.5, 0.75, 1] as const;

/** Validation accuracies of one candidate; epoch 0 is the original model. */
export interface CandidateScore {
  epoch: number;
  /** Fraction of the epoch's change from the starting weights the candidate keeps (absent: 1, the epoch's own weights). */
  mix?: number;
  clean: number;
  drift: number;
  /** Standard error of `clean` − the original's clean accuracy, paired over the same validation images (absent: 0). */
  cleanSE?: number;
  /** The robustness guard's finding, when it checked this candidate: the other corruption it loses most on. */
  harm?: CorruptionHarm;
}

/** A candidate's largest loss on another corruption of the validation images (by drop − HARM_MARGIN_SE standard errors). */
export interface CorruptionHarm {
  /** The corruption's name. */
  label: string;
  /** The original's validation accuracy under it minus the candidate's (a fraction; negative: a gain). */
  drop: number;
  /** Standard error of `drop`, paired over the same images. */
  se: number;
}

export type RepairVerdict = 'repaired' | 'no-repair';

/** What the rule chose and from what. */
export interface Selection {
  /** 0 when the original model was kept. */
  chosenEpoch: number;
  /** The kept candidate's mix (1 for the epoch's own weights and for the original). */
  chosenMix: number;
  verdict: RepairVerdict;
  original: CandidateScore;
  candidates: CandidateScore[];
  tolerance: number;
  /** The robustness guard took part (absent in older sessions: it did not). */
  guarded?: boolean;
  /** Clean validation images the candidates were scored on (absent in older sessions). */
  cleanImages?: number;
}

/** True when `candidate`'s clean validation accuracy, less CLEAN_MARGIN_SE standard errors, is within the tolerance of the original's. */
export function keepsClean(candidate: CandidateScore, original: CandidateScore, tolerance = CLEAN_TOLERANCE): boolean {
  return candidate.clean - CLEAN_MARGIN_SE * (candidate.cleanSE ?? 0) >= original.clean - tolerance - 1e-12;
}

/** True when the guard found that `candidate` loses more than HARM_FLAG on another corruption, by more than HARM_MARGIN_SE standard errors. */
export function harmsRobustness(candidate: Pick<CandidateScore, 'harm'>): boolean {
  const h = candidate.harm;
  return h !== undefined && h.drop - HARM_MARGIN_SE * h.se > HARM_FLAG + 1e-12;
}

/** True when `candidate` keeps clean accuracy and beats `best` on the drift (the guard's check comes after, on such candidates only). */
export function mayBeatBest(candidate: CandidateScore, best: CandidateScore, original: CandidateScore, tolerance = CLEAN_TOLERANCE): boolean {
  return keepsClean(candidate, original, tolerance) && candidate.drift > best.drift;
}

/** True when `candidate` keeps clean accuracy, was not found harmful by the guard and beats `best` on the drift. */
export function isBetterCandidate(candidate: CandidateScore, best: CandidateScore, original: CandidateScore, tolerance = CLEAN_TOLERANCE): boolean {
  return mayBeatBest(candidate, best, original, tolerance) && !harmsRobustness(candidate);
}

/** The worst of a candidate's per-corruption changes: the largest drop − HARM_MARGIN_SE·se. */
export function worstHarm(changes: readonly CorruptionHarm[]): CorruptionHarm | undefined {
  let worst: CorruptionHarm | undefined;
  for (const c of changes) if (!worst || c.drop - HARM_MARGIN_SE * c.se > worst.drop - HARM_MARGIN_SE * worst.se) worst = c;
  return worst;
}

/**
 * Standard error of mean(candidate correct − original correct) over the same images: what the
 * clean change of one candidate would vary by on another sample of validation images.
 */
export function pairedStandardError(candidateCorrect: ArrayLike<number>, originalCorrect: ArrayLike<number>): number {
  const n = originalCorrect.length;
  if (n < 2) return 0;
  let sum = 0;
  let squares = 0;
  for (let i = 0; i < n; i++) {
    const d = candidateCorrect[i] - originalCorrect[i];
    sum += d;
    squares += d * d;
  }
  const mean = sum / n;
  return Math.sqrt(Math.max(0, (squares - n * mean * mean) / (n - 1)) / n);
}

/** Applies the rule to a finished list of candidates. */
export function selectCandidate(original: CandidateScore, candidates: readonly CandidateScore[], tolerance = CLEAN_TOLERANCE, guarded = false): Selection {
  let best = original;
  for (const c of candidates) if (isBetterCandidate(c, best, original, tolerance)) best = c;
  return { chosenEpoch: best.epoch, chosenMix: mixOf(best), verdict: best === original ? 'no-repair' : 'repaired', original, candidates: [...candidates], tolerance, guarded };
}

const mixOf = (c: CandidateScore): number => c.mix ?? 1;

/** True for the candidate a selection kept (never the original's row). */
export function isChosen(selection: Selection, c: CandidateScore): boolean {
  return selection.verdict === 'repaired' && c.epoch === selection.chosenEpoch && mixOf(c) === (selection.chosenMix ?? 1);
}

/** The kept candidate (the original when nothing was repaired). */
export function chosenCandidate(selection: Selection): CandidateScore {
  return selection.candidates.find((c) => isChosen(selection, c)) ?? selection.original;
}

/**
 * The words of a verdict sentence, so the page can say it in the UI language; numbers arrive
 * formatted by `percent` (accuracy in [0, 1]) and `points` (a tolerance in [0, 1] as points).
 */
export interface VerdictWords {
  percent: (fraction: number) => string;
  points: (fraction: number) => string;
  /** A candidate's name: its epoch, and its mix when it is a blend (mix < 1, as a whole percentage). */
  candidate: (x: { epoch: number; mix: number; percent: number }) => string;
  /** The guard's clause of each sentence ('' when the guard did not take part). */
  repairedGuard: (x: { harm: string }) => string;
  noRepairGuard: (x: { harm: string }) => string;
  repaired: (x: { candidate: string; driftBefore: string; driftAfter: string; tolerance: string; guard: string }) => string;
  noRepair: (x: { drift: string; clean: string; tolerance: string; guard: string }) => string;
}

/** The CLI's and the report's English. */
export const ENGLISH_VERDICT_WORDS: VerdictWords = {
  percent: (x) => `${(100 * x).toFixed(1)}%`,
  points: (x) => (100 * x).toFixed(1),
  candidate: ({ epoch, mix, percent }) => (mix === 1 ? `epoch ${epoch}` : `epoch ${epoch} at ${percent} %`),
  repairedGuard: ({ harm }) => `, and no other corruption clearly down more than ${harm} points`,
  noRepairGuard: ({ harm }) => `, and no other corruption clearly down more than ${harm} points`,
  repaired: ({ candidate, driftBefore, driftAfter, tolerance, guard }) => `repaired (${candidate}: drifted validation ${driftBefore} → ${driftAfter}, clean validation within ${tolerance} point of the original, with one standard error of margin${guard})`,
  noRepair: ({ drift, clean, tolerance, guard }) => `no repair found that keeps clean accuracy (no candidate beat the original's drifted validation accuracy ${drift} while keeping clean validation accuracy within ${tolerance} point of ${clean}, with one standard error of margin${guard}); the original model is kept`,
};

/** 'epoch 3', or 'epoch 3 at 50 %' for a candidate that keeps half of its epoch's change. */
export function candidateName(c: { epoch: number; mix?: number }, words: VerdictWords = ENGLISH_VERDICT_WORDS): string {
  const mix = c.mix ?? 1;
  return words.candidate({ epoch: c.epoch, mix, percent: Math.round(100 * mix) });
}

/** The kept candidate's name, e.g. 'epoch 3 at 50 %'. */
export function chosenName(selection: Selection, words: VerdictWords = ENGLISH_VERDICT_WORDS): string {
  return candidateName({ epoch: selection.chosenEpoch, mix: selection.chosenMix }, words);
}

/** The plain sentence the page, the report and the CLI show for a selection (English unless `words` say otherwise). */
export function verdictText(selection: Selection, words: VerdictWords = ENGLISH_VERDICT_WORDS): string {
  const tolerance = words.points(selection.tolerance);
  const harm = words.points(HARM_FLAG);
  if (selection.verdict === 'repaired') {
    const guard = selection.guarded ? words.repairedGuard({ harm }) : '';
    return words.repaired({ candidate: chosenName(selection, words), driftBefore: words.percent(selection.original.drift), driftAfter: words.percent(chosenCandidate(selection).drift), tolerance, guard });
  }
  const guard = selection.guarded ? words.noRepairGuard({ harm }) : '';
  return words.noRepair({ drift: words.percent(selection.original.drift), clean: words.percent(selection.original.clean), tolerance, guard });
}

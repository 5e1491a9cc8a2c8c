/**
 * The "do no harm" verdict as the page words it (DESIGN §4): plain sentences, the change per
 * evaluation set in points and the 2-point harm flag. No tfjs here (selection.ts and report.ts
 * import none), so the steps and their tests can use it.
 */
import { HARM_FLAG, STANDING_NAME_SUFFIX, type RepairStanding } from '../core/repair/report';
import { candidateName, chosenName, harmsRobustness, isChosen, keepsClean, type CandidateScore, type Selection } from '../core/repair/selection';
import { corruptionName } from './corruption-names';
import { m } from '../paraglide/messages';
import { formatFixed, formatPercent } from './format';
import { pageVerdictWords } from './i18n/report-words';

export { chosenCandidate } from '../core/repair/selection';

/** A candidate's name in the UI language ('epoch 3', 'epoch 3 at 50 %'). */
export function candidateLabel(c: { epoch: number; mix?: number }): string {
  return candidateName(c, pageVerdictWords());
}

export { HARM_FLAG };
export { heldOutBound, heldOutCleanShortfall, repairStanding, type RepairStanding } from '../core/repair/report';

/** Accuracy in [0, 1] as a percentage with one decimal ('–' when unknown). */
export function pct(v: number | null | undefined): string {
  return v === null || v === undefined || !Number.isFinite(v) ? m.dash() : formatPercent(v);
}

/** after − before in points with its sign, e.g. '+3.2' or '−1.5' (a true minus sign). */
export function pointsChange(before: number, after: number): string {
  const d = 100 * (after - before);
  const text = formatFixed(Math.abs(d), 1);
  if (text === '0.0') return '±0.0';
  return d > 0 ? `+${text}` : `−${text}`;
}

/** True when `after` is more than HARM_FLAG (2 points) below `before` (the report's rule). */
export function isHarmful(before: number, after: number): boolean {
  return before - after > HARM_FLAG;
}

/** The text marker of a harmful drop (shown next to the number, never colour alone). */
export function harmMark(): string {
  return m.harm_mark();
}

/** One candidate of a selection as the Search step's table shows it. */
export interface CandidateRow extends CandidateScore {
  /** Clean validation accuracy within the tolerance of the original's. */
  withinBound: boolean;
  /** The candidate the rule kept. */
  isChosen: boolean;
  /** The robustness guard found it clearly losing more than HARM_FLAG on another corruption. */
  harmful: boolean;
}

/** The original (epoch 0) and every candidate, with whether each keeps clean accuracy and which was kept. */
export function candidateRows(selection: Selection): CandidateRow[] {
  const row = (c: CandidateScore, isOriginal: boolean): CandidateRow => ({ ...c, withinBound: isOriginal || keepsClean(c, selection.original, selection.tolerance), isChosen: isOriginal ? selection.verdict === 'no-repair' : isChosen(selection, c), harmful: harmsRobustness(c) });
  return [row(selection.original, true), ...selection.candidates.map((c) => row(c, false))];
}

/** The robustness guard's bound in points ('2'). */
export function harmPoints(): string {
  return formatFixed(100 * HARM_FLAG, 0);
}

/** A candidate's worst other corruption as the table shows it ('brightness −3.1 ± 1.0'), or that the guard did not check it. */
export function worstCorruptionText(c: Pick<CandidateScore, 'harm'>): string {
  if (!c.harm) return m.derived_not_checked();
  return m.derived_worst_value({ corruption: corruptionName(c.harm.label), change: pointsChange(c.harm.drop, 0), se: formatFixed(100 * c.harm.se, 1) });
}

/** Tolerance in points, e.g. '0.5'. */
export function tolerancePoints(selection: Selection): string {
  return formatFixed(100 * selection.tolerance, 1);
}

/** A method's outcome in a few words for the baselines table ('original kept', 'repaired (epoch 2)', '–' for the original itself). */
export function methodVerdict(selection: Selection | null): string {
  if (!selection) return m.dash();
  return selection.verdict === 'no-repair' ? m.method_original_kept() : m.method_repaired_epoch({ candidate: chosenName(selection, pageVerdictWords()) });
}

/**
 * What the Export step calls the model it hands out (`base` and `folder` name files, so they stay
 * English): the unchanged original, a candidate that broke the clean bound on held-out images
 * (`shortfall`, a fraction), or the repaired model.
 */
export function exportWording(standing: RepairStanding | null, modelName: string, shortfall: number | null = null): { heading: string; save: string; base: string; folder: string; intro: string } {
  if (standing === 'no-repair') {
    return {
      heading: m.export_heading_unchanged({ reason: m.export_no_repair_reason() }),
      save: m.export_save_unchanged(),
      base: `${modelName}-${STANDING_NAME_SUFFIX['no-repair']}`,
      folder: STANDING_NAME_SUFFIX['no-repair'],
      intro: m.export_intro_unchanged(),
    };
  }
  if (standing === 'clean-shortfall') {
    return {
      heading: m.export_heading_candidate({ points: formatFixed(100 * (shortfall ?? 0), 1) }),
      save: m.export_save_candidate(),
      base: `${modelName}-${STANDING_NAME_SUFFIX['clean-shortfall']}`,
      folder: STANDING_NAME_SUFFIX['clean-shortfall'],
      intro: m.export_intro_candidate(),
    };
  }
  return {
    heading: m.export_heading_repaired(),
    save: m.export_save_repaired(),
    base: `${modelName}-${STANDING_NAME_SUFFIX.repaired}`,
    folder: STANDING_NAME_SUFFIX.repaired,
    intro: m.export_intro_repaired(),
  };
}

/**
 * The do-no-harm bar of the page's default lesson (`npm run lesson:chromium`), from the rows the
 * Results step shows: clean within 0.5 point of the original, the other corruptions' mean at
 * least the original's − 1 point, and no single corruption down more than 5 points.
 */

/** One row of the Results step's table (its data- attributes); accuracies in [0, 1]. */
export interface ShownRow {
  label: string;
  severity: number;
  count: number;
  isTarget: boolean;
  before: number;
  after: number;
}

/** The bar, in points. */
export const LESSON_BAR = { cleanDrop: 0.5, meanOtherDrop: 1, singleDrop: 5 } as const;

/** One model's lesson against the bar; changes in points (after − before), null where the page showed no such rows. */
export interface LessonCheck {
  model: string;
  cleanChange: number;
  drift: { label: string; before: number; after: number };
  /** Mean change over the corruptions other than the target (the robustness suite). */
  meanOtherChange: number | null;
  /** The corruption row (target included) that lost the most, or gained the least. */
  worst: { label: string; change: number };
  passes: { clean: boolean; meanOther: boolean | null; single: boolean | null };
}

const points = (row: ShownRow) => 100 * (row.after - row.before);
/** Comparisons in points, with room for the floating-point noise of 100 × (a − b). */
const atLeast = (value: number, bound: number) => value >= bound - 1e-9;

/** The bar's three checks from changes in points (after − before); null where there is nothing to check. */
export function barPasses(x: { cleanChange: number; meanOtherChange: number | null; worstChange: number | null }): LessonCheck['passes'] {
  return {
    clean: atLeast(x.cleanChange, -LESSON_BAR.cleanDrop),
    meanOther: x.meanOtherChange === null ? null : atLeast(x.meanOtherChange, -LESSON_BAR.meanOtherDrop),
    single: x.worstChange === null ? null : atLeast(x.worstChange, -LESSON_BAR.singleDrop),
  };
}

export function checkLesson(model: string, rows: readonly ShownRow[]): LessonCheck {
  const clean = rows.find((r) => r.label === 'clean');
  const target = rows.find((r) => r.isTarget && r.label !== 'clean');
  if (!clean || !target) throw new Error(`${model}: the results table has no ${clean ? 'target drift' : 'clean'} row.`);
  const corruptions = rows.filter((r) => r.label !== 'clean');
  const others = corruptions.filter((r) => r !== target);
  const meanOtherChange = others.length > 0 ? others.reduce((sum, r) => sum + points(r), 0) / others.length : null;
  const worstRow = corruptions.reduce((a, b) => (points(b) < points(a) ? b : a));
  const worst = { label: worstRow.label, change: points(worstRow) };
  return {
    model,
    cleanChange: points(clean),
    drift: { label: target.label, before: target.before, after: target.after },
    meanOtherChange,
    worst,
    passes: barPasses({ cleanChange: points(clean), meanOtherChange, worstChange: worst.change }),
  };
}

/** '+1.2' / '−0.7' (a true minus sign), '±0.0' when it rounds to nothing. */
function signed(p: number): string {
  const text = Math.abs(p).toFixed(1);
  return text === '0.0' ? '±0.0' : `${p > 0 ? '+' : '−'}${text}`;
}

const mark = (pass: boolean | null) => (pass === null ? 'n/a' : pass ? 'pass' : 'FAIL');
const pct = (v: number) => (100 * v).toFixed(1);

/** A model's line in the summary: its check, the verdict the page showed and its search-to-results time; or why it has none. */
export type SummaryLine = { check: LessonCheck; verdict: string; caution: boolean; searchSeconds: number } | { model: string; error: string };

/** The summary table (Markdown), one row per model. */
export function summaryTable(lines: readonly SummaryLine[]): string {
  const head = [
    `| model | verdict | Δ clean (points) | target drift before → after (%) | mean Δ other corruptions | worst single change | clean ≥ −${LESSON_BAR.cleanDrop} | mean other ≥ −${LESSON_BAR.meanOtherDrop} | none below −${LESSON_BAR.singleDrop} | search → results (s) |`,
    '|---|---|---|---|---|---|---|---|---|---|',
  ];
  const body = lines.map((line) => {
    if ('error' in line) return `| ${line.model} | failed: ${line.error.replace(/\|/g, '/').split('\n')[0]} | | | | | | | | |`;
    const c = line.check;
    const cells = [
      c.model,
      `${line.verdict}${line.caution ? ' (caution shown)' : ''}`,
      signed(c.cleanChange),
      `${c.drift.label}: ${pct(c.drift.before)} → ${pct(c.drift.after)}`,
      c.meanOtherChange === null ? 'n/a' : signed(c.meanOtherChange),
      `${signed(c.worst.change)} (${c.worst.label})`,
      mark(c.passes.clean),
      mark(c.passes.meanOther),
      mark(c.passes.single),
      line.searchSeconds.toFixed(0),
    ];
    return `| ${cells.join(' | ')} |`;
  });
  return [...head, ...body].join('\n');
}

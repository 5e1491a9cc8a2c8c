import type { BlockScore, EpochMetrics, Genotype } from '../types';
import type { AccuracyRow } from './evaluate';
import { CLEAN_TOLERANCE, ENGLISH_VERDICT_WORDS, HARM_FLAG, verdictText, type RepairVerdict, type Selection, type VerdictWords } from './selection';

export { HARM_FLAG };

/** One repaired (or original) model's results in a report. */
export interface ModelResult {
  /** 'original', 'archrepair' or a baseline name. */
  name: string;
  label: string;
  rows: AccuracyRow[];
  trainMs: number;
  /** The do-no-harm selection that produced this model (null for the original). */
  selection?: Selection | null;
}

/** Everything a repair did and measured, as plain data (JSON download, Markdown summary, UI). */
export interface RepairReport {
  version: 1;
  createdAt: string;
  model: { name: string; params: number; blocks: number };
  dataset: { name: string; provenance: string; workingSize: number; heldOutSize: number; cleanHeldOutSize?: number; validationSize?: number; cleanValidationSize?: number; cleanTraining?: string };
  /** `corruption` is the corruption's or the drift set's name; `set` identifies a user's own drift set. */
  drift: { corruption: string; severity: number; set?: { name: string; count: number; hash: string } };
  backend: string;
  settings: Record<string, unknown>;
  failures: { total: number; used: number; accuracyBefore: number };
  localization: { method: string; formula: string; scores: BlockScore[]; blockNames: string[]; chosenBlock: number; timingsMs: Record<string, number> } | null;
  search: { epochs: number; history: Omit<EpochMetrics, 'alphaSoftmax'>[]; finalAlphaSoftmax: number[][]; genotype: Genotype | null };
  derived: { params: number; originalBlockParams: number; finetuneLosses: number[] } | null;
  /** ArchRepair's outcome: 'no-repair' means the original model was kept (never called repaired). */
  verdict?: RepairVerdict;
  results: ModelResult[];
  timingsMs: Record<string, number>;
}

/**
 * How the page, the CLI and the report present ArchRepair's model once it is evaluated on
 * held-out images: 'clean-shortfall' is a model the selection kept on validation images whose
 * held-out clean accuracy lies further below the original's than heldOutBound. It is never
 * presented as repaired (do no harm), only as a candidate.
 */
export type RepairStanding = RepairVerdict | 'clean-shortfall';

/** What the exported and saved model's names say it is (`mnist-cnn-candidate`). */
export const STANDING_NAME_SUFFIX: Record<RepairStanding, string> = { repaired: 'repaired', 'no-repair': 'unchanged', 'clean-shortfall': 'candidate' };

/**
 * How far the held-out clean accuracy `after` lies below `before` beyond `tolerance` (the drop,
 * as a fraction), or null when within it.
 */
export function heldOutCleanShortfall(before: number, after: number, tolerance: number): number | null {
  const drop = before - after;
  return drop > tolerance + 1e-12 ? drop : null;
}

/**
 * The held-out check's clean bound: the selection's, or the do-no-harm bound when a lesson loosened
 * the selection's (a loosened bound shows what the rule prevents; it never makes a worse model a repair).
 */
export function heldOutBound(selection: Pick<Selection, 'tolerance'>): number {
  return Math.min(selection.tolerance, CLEAN_TOLERANCE);
}

/** The standing of a selected model from its and the original's held-out rows, with the clean shortfall when there is one. */
export function repairStanding(original: { rows: readonly AccuracyRow[] }, repaired: { rows: readonly AccuracyRow[]; selection?: Selection | null }): { standing: RepairStanding; shortfall: number | null } {
  const selection = repaired.selection;
  if (!selection) return { standing: 'repaired', shortfall: null };
  if (selection.verdict === 'no-repair') return { standing: 'no-repair', shortfall: null };
  const i = original.rows.findIndex((row) => row.label === 'clean');
  const shortfall = i >= 0 && repaired.rows[i] ? heldOutCleanShortfall(original.rows[i].accuracy, repaired.rows[i].accuracy, heldOutBound(selection)) : null;
  return { standing: shortfall === null ? 'repaired' : 'clean-shortfall', shortfall };
}

/** The standing of ArchRepair's model in a report, with its held-out clean shortfall: `verdict` (its selection's) until the report holds held-out results. */
export function reportStanding(r: Pick<RepairReport, 'results'>, verdict: RepairVerdict): { standing: RepairStanding; shortfall: number | null } {
  const original = r.results.find((m) => m.name === 'original');
  const archrepair = r.results.find((m) => m.name === 'archrepair');
  return original && archrepair?.selection ? repairStanding(original, archrepair) : { standing: verdict, shortfall: null };
}

/**
 * The words of the Markdown report, one function per sentence or table label, so the page can
 * write the report in the UI language; the CLI uses ENGLISH_REPORT_WORDS. Tables of scores keep
 * their plain decimals in every language.
 */
export interface ReportWords {
  verdict: VerdictWords;
  percent: (fraction: number) => string;
  seconds: (ms: number) => string;
  date: (iso: string) => string;
  /** A model's name in the results table, from its method name ('original', 'archrepair', a baseline). */
  method: (name: string, label: string) => string;
  /** A corruption's (or 'clean', or a drift set's) name in a sentence. */
  drift: (name: string) => string;
  /** An evaluation set's column: a corruption (or 'clean') and its severity. */
  setLabel: (label: string, severity: number) => string;
  title: (x: { model: string; drift: string; severity: number }) => string;
  /** The title when the drift is the user's own set rather than a corruption. */
  titleDriftSet: (x: { model: string; set: string }) => string;
  driftSet: (x: { name: string; count: number; hash: string }) => string;
  created: (x: { date: string; backend: string; dataset: string; provenance: string; working: number; heldOut: number }) => string;
  failures: (x: { total: number; used: number; accuracy: string }) => string;
  localizationHeading: () => string;
  localizationMethod: (x: { method: string; formula: string }) => string;
  rankingHeader: () => string;
  searched: () => string;
  searchHeading: () => string;
  searchEpochs: (x: { epochs: number }) => string;
  cellEdge: (x: { node: number; from: number; op: string }) => string;
  verdictHeading: () => string;
  verdictLine: (x: { verdict: string }) => string;
  /** The held-out check of a kept repair that broke the clean bound there (points with one decimal). */
  cleanShortfall: (x: { points: string; tolerance: string }) => string;
  accuracyHeading: () => string;
  modelColumn: () => string;
  originalKept: () => string;
  drops: (x: { points: number; drops: string }) => string;
  noDrops: (x: { points: number }) => string;
  timeHeading: () => string;
  timeLine: (x: { phase: string; time: string }) => string;
}

/** The CLI's English (and the download's when the page shows English). */
export const ENGLISH_REPORT_WORDS: ReportWords = {
  verdict: ENGLISH_VERDICT_WORDS,
  percent: (x) => `${(100 * x).toFixed(1)}%`,
  seconds: (ms) => `${(ms / 1000).toFixed(1)} s`,
  date: (iso) => iso,
  method: (_name, label) => label,
  drift: (name) => name,
  setLabel: (label, severity) => `${label}${label === 'clean' ? '' : ` s${severity}`}`,
  title: ({ model, drift, severity }) => `# ArchRepair Lab report: ${model} on ${drift} (severity ${severity})`,
  titleDriftSet: ({ model, set }) => `# ArchRepair Lab report: ${model} on the drift set ${set}`,
  driftSet: ({ name, count, hash }) => `Drift set: ${name}, ${count} images, content hash ${hash}; failures come from its repair part, drift accuracy from its held-out part.`,
  created: ({ date, backend, dataset, provenance, working, heldOut }) => `Created ${date} on the ${backend} backend. Data: ${dataset} (${provenance}); ${working} test images, ${heldOut} held out for evaluation.`,
  failures: ({ total, used, accuracy }) => `Failures: ${total} misclassified in the repair pool, ${used} used; accuracy before repair on the drifted held-out images: ${accuracy}.`,
  localizationHeading: () => '## Localization',
  localizationMethod: ({ method, formula }) => `Method: ${method} (${formula}); this is our reconstruction of the paper's adversarial-aware spectrum analysis.`,
  rankingHeader: () => '| rank | block | forward | backward | score |',
  searched: () => ' (searched)',
  searchHeading: () => '## Search',
  searchEpochs: ({ epochs }) => `${epochs} epochs. Derived cell:`,
  cellEdge: ({ node, from, op }) => `- node ${node} ← node ${from}: ${op}`,
  verdictHeading: () => '## Verdict',
  verdictLine: ({ verdict }) => `ArchRepair: ${verdict}.`,
  cleanShortfall: ({ points, tolerance }) => `Held-out check: on the held-out clean images this model is ${points} points below the original, more than the ${tolerance}-point bound. It is not a repair on clean data: treat it as a candidate only.`,
  accuracyHeading: () => '## Accuracy on held-out images',
  modelColumn: () => 'model',
  originalKept: () => ' (original kept)',
  drops: ({ points, drops }) => `Drops of more than ${points} points: ${drops}.`,
  noDrops: ({ points }) => `No set dropped by more than ${points} points.`,
  timeHeading: () => '## Time per phase',
  timeLine: ({ phase, time }) => `- ${phase}: ${time}`,
};

/** A readable Markdown summary of a report (English unless `words` say otherwise). */
export function reportMarkdown(r: RepairReport, words: ReportWords = ENGLISH_REPORT_WORDS): string {
  const w = words;
  const pct = w.percent;
  const lines: string[] = [];
  const set = r.drift.set;
  lines.push(set ? w.titleDriftSet({ model: r.model.name, set: set.name }) : w.title({ model: r.model.name, drift: w.drift(r.drift.corruption), severity: r.drift.severity }), '');
  if (set) lines.push(w.driftSet({ name: set.name, count: set.count, hash: set.hash }), '');
  lines.push(w.created({ date: w.date(r.createdAt), backend: r.backend, dataset: r.dataset.name, provenance: r.dataset.provenance, working: r.dataset.workingSize, heldOut: r.dataset.heldOutSize }), '');
  lines.push(w.failures({ total: r.failures.total, used: r.failures.used, accuracy: pct(r.failures.accuracyBefore) }), '');
  if (r.localization) {
    lines.push(w.localizationHeading(), '', w.localizationMethod({ method: r.localization.method, formula: r.localization.formula }), '');
    lines.push(w.rankingHeader(), '|---|---|---|---|---|');
    for (const s of [...r.localization.scores].sort((a, b) => a.rank - b.rank)) {
      const mark = s.blockIndex === r.localization.chosenBlock ? w.searched() : '';
      lines.push(`| ${s.rank} | ${r.localization.blockNames[s.blockIndex]}${mark} | ${s.forwardNormalized.toFixed(3)} | ${s.backwardNormalized.toFixed(3)} | ${s.combined.toFixed(3)} |`);
    }
    lines.push('');
  }
  if (r.search.genotype) {
    lines.push(w.searchHeading(), '', w.searchEpochs({ epochs: r.search.epochs }), '');
    for (const e of r.search.genotype.edges) lines.push(w.cellEdge({ node: e.node, from: e.from, op: e.op }));
    lines.push('');
  }
  const archrepair = r.results.find((m) => m.name === 'archrepair');
  if (archrepair?.selection) {
    lines.push(w.verdictHeading(), '', w.verdictLine({ verdict: verdictText(archrepair.selection, w.verdict) }), '');
    const { shortfall } = reportStanding(r, archrepair.selection.verdict);
    if (shortfall !== null) lines.push(w.cleanShortfall({ points: (100 * shortfall).toFixed(1), tolerance: (100 * heldOutBound(archrepair.selection)).toFixed(1) }), '');
  }
  if (r.results.length) {
    const labels = r.results[0].rows.map((row) => w.setLabel(row.label, row.severity));
    lines.push(w.accuracyHeading(), '', `| ${w.modelColumn()} | ${labels.join(' | ')} |`, `|---|${labels.map(() => '---').join('|')}|`);
    for (const m of r.results) lines.push(`| ${w.method(m.name, m.label)}${m.selection?.verdict === 'no-repair' ? w.originalKept() : ''} | ${m.rows.map((row) => pct(row.accuracy)).join(' | ')} |`);
    lines.push('');
    const original = r.results.find((m) => m.name === 'original');
    if (original && archrepair) {
      const drops = archrepair.rows.flatMap((row, i) => (original.rows[i] && original.rows[i].accuracy - row.accuracy > HARM_FLAG ? [`${w.drift(row.label)} ${pct(original.rows[i].accuracy)} → ${pct(row.accuracy)}`] : []));
      const points = 100 * HARM_FLAG;
      lines.push(drops.length ? w.drops({ points, drops: drops.join('; ') }) : w.noDrops({ points }), '');
    }
  }
  lines.push(w.timeHeading(), '', ...Object.entries(r.timingsMs).map(([k, v]) => w.timeLine({ phase: k, time: w.seconds(v) })), '');
  return lines.join('\n');
}

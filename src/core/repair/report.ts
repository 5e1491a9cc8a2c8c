import type { BlockScore, EpochMetrics, Genotype } from '../types';
import type { AccuracyRow } from './evaluate';
import { verdictText, type RepairVerdict, type Selection } from './selection';

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
  dataset: { name: string; provenance: string; workingSize: number; heldOutSize: number; validationSize?: number; cleanTraining?: string };
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

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

/** A drop in accuracy on any set larger than this (2 points) is flagged in the report and the Results step. */
export const HARM_FLAG = 0.02;

/** A readable Markdown summary of a report. */
export function reportMarkdown(r: RepairReport): string {
  const lines: string[] = [];
  const set = r.drift.set;
  lines.push(`# ArchRepair Lab report: ${r.model.name} on ${set ? `the drift set ${set.name}` : `${r.drift.corruption} (severity ${r.drift.severity})`}`, '');
  if (set) lines.push(`Drift set: ${set.name}, ${set.count} images, content hash ${set.hash}; failures come from its repair part, drift accuracy from its held-out part.`, '');
  lines.push(`Created ${r.createdAt} on the ${r.backend} backend. Data: ${r.dataset.name} (${r.dataset.provenance}); ${r.dataset.workingSize} test images, ${r.dataset.heldOutSize} held out for evaluation.`, '');
  lines.push(`Failures: ${r.failures.total} misclassified in the repair pool, ${r.failures.used} used; accuracy before repair on the drifted held-out images: ${pct(r.failures.accuracyBefore)}.`, '');
  if (r.localization) {
    lines.push('## Localization', '', `Method: ${r.localization.method} (${r.localization.formula}); this is our reconstruction of the paper's adversarial-aware spectrum analysis.`, '');
    lines.push('| rank | block | forward | backward | score |', '|---|---|---|---|---|');
    for (const s of [...r.localization.scores].sort((a, b) => a.rank - b.rank)) {
      const mark = s.blockIndex === r.localization.chosenBlock ? ' (searched)' : '';
      lines.push(`| ${s.rank} | ${r.localization.blockNames[s.blockIndex]}${mark} | ${s.forwardNormalized.toFixed(3)} | ${s.backwardNormalized.toFixed(3)} | ${s.combined.toFixed(3)} |`);
    }
    lines.push('');
  }
  if (r.search.genotype) {
    lines.push('## Search', '', `${r.search.epochs} epochs. Derived cell:`, '');
    for (const e of r.search.genotype.edges) lines.push(`- node ${e.node} ← node ${e.from}: ${e.op}`);
    lines.push('');
  }
  const archrepair = r.results.find((m) => m.name === 'archrepair');
  if (archrepair?.selection) lines.push('## Verdict', '', `ArchRepair: ${verdictText(archrepair.selection)}.`, '');
  if (r.results.length) {
    const labels = r.results[0].rows.map((row) => `${row.label}${row.label === 'clean' ? '' : ` s${row.severity}`}`);
    lines.push('## Accuracy on held-out images', '', `| model | ${labels.join(' | ')} |`, `|---|${labels.map(() => '---').join('|')}|`);
    for (const m of r.results) lines.push(`| ${m.label}${m.selection?.verdict === 'no-repair' ? ' (original kept)' : ''} | ${m.rows.map((row) => pct(row.accuracy)).join(' | ')} |`);
    lines.push('');
    const original = r.results.find((m) => m.name === 'original');
    if (original && archrepair) {
      const drops = archrepair.rows.flatMap((row, i) => (original.rows[i] && original.rows[i].accuracy - row.accuracy > HARM_FLAG ? [`${row.label} ${pct(original.rows[i].accuracy)} → ${pct(row.accuracy)}`] : []));
      lines.push(drops.length ? `Drops of more than ${100 * HARM_FLAG} points: ${drops.join('; ')}.` : `No set dropped by more than ${100 * HARM_FLAG} points.`, '');
    }
  }
  lines.push('## Time per phase', '', ...Object.entries(r.timingsMs).map(([k, v]) => `- ${k}: ${(v / 1000).toFixed(1)} s`), '');
  return lines.join('\n');
}

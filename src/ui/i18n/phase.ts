/**
 * Progress phases as the page shows them. The engine (core and worker, English like the CLI)
 * names its phases in words; this table maps each known phase to the catalogue, and an unknown
 * phase is shown as the engine wrote it.
 */
import { m } from '../../paraglide/messages';

const EXACT: Record<string, () => string> = {
  starting: m.phase_starting,
  stability: m.phase_stability,
  'FGSM copies': m.phase_fgsm,
  'forward spectrum': m.phase_forward_spectrum,
  'backward spectrum': m.phase_backward_spectrum,
  'fine-tune blocks': m.phase_finetune_blocks,
  evaluate: m.phase_evaluate,
  'fine-tuning the derived block and the network': m.phase_finetune_derived_network,
  'fine-tuning the derived block': m.phase_finetune_derived,
  'caching the frozen prefix': m.phase_caching_prefix,
  'scoring the original on the validation images': m.phase_scoring_original,
  'engine check: training': m.phase_engine_check,
  'evaluating before and after': m.phase_evaluating,
};

const PATTERNS: [RegExp, (match: RegExpExecArray) => string][] = [
  [/^search: epoch (\d+)$/, (x) => m.phase_search_epoch({ epoch: x[1] })],
  [/^applying (.+) \(severity (\d+)\)$/, (x) => m.phase_applying({ corruption: x[1].replaceAll('_', ' '), severity: x[2] })],
  [/^baseline: (.+)$/, (x) => m.phase_baseline({ name: x[1] })],
  [/^decode (.+)$/, (x) => m.phase_decode({ name: x[1] })],
  [/^loading (.+)$/, (x) => m.phase_loading({ name: x[1] })],
];

/** The phase in the UI language (unknown phases unchanged). */
export function localizePhase(phase: string): string {
  const exact = EXACT[phase];
  if (exact) return exact();
  for (const [pattern, words] of PATTERNS) {
    const match = pattern.exec(phase);
    if (match) return words(match);
  }
  return phase;
}

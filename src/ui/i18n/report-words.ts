/**
 * The verdict sentence and the Markdown report in the UI language: the catalogue's words handed
 * to the core formatters (verdictText, reportMarkdown), so the page and the CLI share one report
 * layout. The catalogue's English equals the core's English (tested).
 */
import type { ReportWords } from '../../core/repair/report';
import type { VerdictWords } from '../../core/repair/selection';
import { m } from '../../paraglide/messages';
import { corruptionName } from '../corruption-names';
import { formatDateTime, formatFixed, formatPercent, formatSeconds } from '../format';

const METHODS: Record<string, () => string> = {
  original: m.method_original,
  'network-finetune': m.method_network_finetune,
  'layer-weights': m.method_layer_weights,
  'block-weights': m.method_block_weights,
  'random-genotype': m.method_random_genotype,
  archrepair: m.method_archrepair,
};

/** A method's display name from its engine name ('original', 'archrepair', a baseline); unknown names keep the engine's label. */
export function methodLabel(name: string, label: string): string {
  return Object.hasOwn(METHODS, name) ? METHODS[name]() : label;
}

/** The verdict sentence's words in the UI language. */
export function pageVerdictWords(): VerdictWords {
  return {
    percent: formatPercent,
    points: (x) => formatFixed(100 * x, 1),
    candidate: ({ epoch, mix, percent }) => (mix === 1 ? m.derived_epoch({ epoch }) : m.derived_epoch_blend({ epoch, percent })),
    repairedGuard: (x) => m.verdict_repaired_guard(x),
    noRepairGuard: (x) => m.verdict_no_repair_guard(x),
    repaired: (x) => m.verdict_repaired(x),
    noRepair: (x) => m.verdict_no_repair(x),
  };
}

/** The report's words in the UI language. */
export function pageReportWords(): ReportWords {
  return {
    verdict: pageVerdictWords(),
    percent: formatPercent,
    seconds: formatSeconds,
    date: formatDateTime,
    method: methodLabel,
    drift: corruptionName,
    setLabel: (label, severity) => (label === 'clean' ? corruptionName(label) : m.report_set_label({ label: corruptionName(label), severity })),
    title: (x) => m.report_title(x),
    titleDriftSet: (x) => m.report_title_drift_set(x),
    driftSet: (x) => m.report_drift_set(x),
    created: (x) => m.report_created(x),
    failures: (x) => m.report_failures(x),
    localizationHeading: m.report_localization_heading,
    localizationMethod: (x) => m.report_localization_method(x),
    rankingHeader: m.report_ranking_header,
    searched: m.report_searched,
    searchHeading: m.report_search_heading,
    searchEpochs: (x) => m.report_search_epochs(x),
    cellEdge: (x) => m.report_cell_edge(x),
    verdictHeading: m.report_verdict_heading,
    verdictLine: (x) => m.report_verdict_line(x),
    cleanShortfall: (x) => m.report_clean_shortfall(x),
    accuracyHeading: m.report_accuracy_heading,
    modelColumn: m.report_model_column,
    originalKept: m.report_original_kept,
    drops: (x) => m.report_drops(x),
    noDrops: (x) => m.report_no_drops(x),
    timeHeading: m.report_time_heading,
    timeLine: (x) => m.report_time_line(x),
  };
}

/** The six steps of a repair, in order. Text (from the message catalogue) is written for a workshop audience. */
import { m } from '../paraglide/messages';

const STEP_IDS = ['model', 'data', 'localize', 'search', 'results', 'export'] as const;
export type StepId = (typeof STEP_IDS)[number];

const WORDS: Record<StepId, { title: () => string; summary: () => string }> = {
  model: { title: m.step_model_title, summary: m.step_model_summary },
  data: { title: m.step_data_title, summary: m.step_data_summary },
  localize: { title: m.step_localize_title, summary: m.step_localize_summary },
  search: { title: m.step_search_title, summary: m.step_search_summary },
  results: { title: m.step_results_title, summary: m.step_results_summary },
  export: { title: m.step_export_title, summary: m.step_export_summary },
};

/** Title and summary are getters, so they read the current UI language wherever they are shown. */
export const STEPS: readonly { readonly id: StepId; readonly title: string; readonly summary: string }[] = STEP_IDS.map((id) => ({
  id,
  get title() {
    return WORDS[id].title();
  },
  get summary() {
    return WORDS[id].summary();
  },
}));

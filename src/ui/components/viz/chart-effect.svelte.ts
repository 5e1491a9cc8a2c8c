/**
 * Lifecycle of one Chart.js chart inside a Svelte 5 component: create it once when its canvas
 * mounts, update it in place whenever the data it reads changes, destroy it on unmount.
 */
import { untrack } from 'svelte';
import type { Chart as ChartInstance, ChartConfiguration, ChartType } from 'chart.js';
import { Chart } from './charts';

/**
 * Call during component init. `canvas` returns the bound canvas (undefined before mount);
 * `config` builds the initial configuration (read untracked: it never re-creates the chart);
 * `update` copies the current props into the chart and is re-run whenever they change.
 */
export function useChart<T extends ChartType>(
  canvas: () => HTMLCanvasElement | undefined,
  config: () => ChartConfiguration<T>,
  update: (chart: ChartInstance<T>) => void,
): void {
  let chart = $state.raw<ChartInstance<T> | null>(null);
  $effect(() => {
    const element = canvas();
    if (!element) return;
    const created = new Chart(element, untrack(config)) as ChartInstance<T>;
    chart = created;
    return () => {
      created.destroy();
      chart = null;
    };
  });
  $effect(() => {
    if (!chart) return;
    update(chart);
    chart.update('none');
  });
}

/** Sets the title of scale `axis` (in an update, so it follows the UI language). */
export function setAxisTitle(chart: { options: { scales?: unknown } }, axis: string, text: string): void {
  const scale = (chart.options.scales as Record<string, { title?: { display?: boolean; text?: string } }> | undefined)?.[axis];
  if (scale) scale.title = { ...scale.title, display: true, text };
}

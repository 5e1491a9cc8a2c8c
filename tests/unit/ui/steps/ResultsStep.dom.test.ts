// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, render, screen, within } from '@testing-library/svelte';
import ResultsStep from '../../../../src/ui/steps/ResultsStep.svelte';
import type { LabState } from '../../../../src/ui/state/lab.svelte';
import { reactive } from './reactive.svelte';
import { resultsView } from './verdict-fixtures';

// jsdom has no canvas for Chart.js; the charts are not what these tests are about.
vi.mock('../../../../src/ui/components/viz/chart-effect.svelte', () => ({ useChart: () => {} }));

afterEach(cleanup);

function stubLab(results: ReturnType<typeof resultsView> | null): LabState {
  return { results, derived: {}, isBusy: false, lesson: reactive({ includeSuite: false }), evaluate: vi.fn(), runBaselines: vi.fn(), prepareExport: vi.fn() } as unknown as LabState;
}

function row(label: string): HTMLElement {
  return screen.getByTestId('results-table').querySelector(`tbody tr[data-label="${label}"]`) as HTMLElement;
}

describe('ResultsStep verdict', () => {
  it('shows no banner before the evaluation', () => {
    render(ResultsStep, { lab: stubLab(null) });
    expect(screen.queryByTestId('results-verdict')).toBeNull();
  });

  it('says "repaired" with the verdict sentence, the change in points and a text flag on drops over 2 points', () => {
    const r = resultsView('repaired');
    render(ResultsStep, { lab: stubLab(r) });
    const banner = screen.getByTestId('results-verdict');
    expect(banner.getAttribute('data-verdict')).toBe('repaired');
    expect(banner.getAttribute('role')).toBe('status');
    expect(banner.textContent).toContain('Repaired');
    expect(banner.textContent).toContain(r.verdictText);
    expect(banner.textContent).not.toMatch(/no repair found/);

    expect(within(row('clean')).getByTestId('change').textContent).toBe('−0.5');
    expect(within(row('stripe')).getByTestId('change').textContent).toBe('+30.0');
    expect(within(row('fog')).getByTestId('change').textContent).toBe('−3.5');
    // Only fog dropped more than 2 points; the flag is text, not only a colour.
    expect(row('fog').getAttribute('data-harm')).toBe('true');
    expect(within(row('fog')).getByTestId('harm-flag').textContent).toMatch(/drop over 2 points/);
    expect(within(row('clean')).queryByTestId('harm-flag')).toBeNull();
    expect(within(row('stripe')).queryByTestId('harm-flag')).toBeNull();
    expect(screen.getByTestId('harm-summary').textContent).toContain('fog');
    expect(screen.getByTestId('harm-summary').getAttribute('data-harmed')).toBe('1');
  });

  it('carries the numbers of every row and baseline cell in data- attributes (npm run lesson:chromium reads them)', () => {
    render(ResultsStep, { lab: stubLab(resultsView('repaired', true)) });
    const attrs = (el: HTMLElement, names: string[]) => Object.fromEntries(names.map((n) => [n, el.getAttribute(`data-${n}`)]));
    const names = ['label', 'severity', 'count', 'target', 'before', 'after'];
    expect(attrs(row('clean'), names)).toEqual({ label: 'clean', severity: '0', count: '200', target: 'false', before: '0.98', after: '0.975' });
    expect(attrs(row('stripe'), names)).toEqual({ label: 'stripe', severity: '3', count: '200', target: 'true', before: '0.35', after: '0.65' });
    expect(attrs(row('fog'), names)).toEqual({ label: 'fog', severity: '3', count: '200', target: 'false', before: '0.9', after: '0.865' });
    const blockWeights = screen.getByTestId('baselines-table').querySelector('tbody tr[data-method="block-weights"]') as HTMLElement;
    expect([...blockWeights.querySelectorAll('td[data-label]')].map((td) => [td.getAttribute('data-label'), td.getAttribute('data-accuracy')])).toEqual([['clean', '0.97'], ['stripe', '0.5'], ['fog', '0.8']]);
  });

  it('cautions when the kept repair lost more clean accuracy on held-out images than its validation bound allowed', () => {
    const r = resultsView('repaired');
    render(ResultsStep, { lab: stubLab(r) });
    // −0.5 point on held-out clean images is within the 0.5-point bound: no caution.
    expect(screen.queryByTestId('held-out-clean-caution')).toBeNull();
    cleanup();
    const worse = resultsView('repaired');
    const clean = worse.original.rows.findIndex((x) => x.label === 'clean');
    worse.repaired.rows[clean] = { ...worse.repaired.rows[clean], accuracy: worse.original.rows[clean].accuracy - 0.012 };
    render(ResultsStep, { lab: stubLab(worse) });
    expect(screen.getByTestId('held-out-clean-caution').textContent).toMatch(/1\.2 points below the original, more than the 0\.5-point bound/);
    // Worse on held-out clean images: not presented as repaired.
    const banner = screen.getByTestId('results-verdict');
    expect(banner.getAttribute('data-standing')).toBe('clean-shortfall');
    expect(banner.textContent).toMatch(/Not a repair on clean data/);
    expect(banner.textContent).not.toMatch(/✓ Repaired/);
  });

  it('says plainly when no repair kept clean accuracy and that before and after are the same model', () => {
    const r = resultsView('no-repair');
    render(ResultsStep, { lab: stubLab(r) });
    const banner = screen.getByTestId('results-verdict');
    expect(banner.getAttribute('data-verdict')).toBe('no-repair');
    expect(banner.textContent).toMatch(/no repair found that keeps clean accuracy/i);
    expect(banner.textContent).toMatch(/same model/);
    expect(banner.textContent).toContain(r.verdictText);
    expect(screen.queryAllByTestId('harm-flag')).toHaveLength(0);
    expect(screen.getByTestId('harm-summary').textContent).toBe('No set dropped by more than 2 points.');
    expect(screen.getByTestId('results-table').textContent).toContain('after (same model)');
  });

  it('lists every baseline with its verdict, "original kept" when its selection kept the original', () => {
    render(ResultsStep, { lab: stubLab(resultsView('repaired', true)) });
    const rows = [...screen.getByTestId('baselines-table').querySelectorAll('tbody tr')] as HTMLElement[];
    expect(rows.map((r) => r.getAttribute('data-method'))).toEqual(['original', 'archrepair', 'network-finetune', 'layer-weights', 'block-weights', 'random-genotype']);
    const verdictOf = (name: string) => rows.find((r) => r.getAttribute('data-method') === name)!.querySelectorAll('td')[0].textContent;
    expect(verdictOf('original')).toBe('–');
    expect(verdictOf('archrepair')).toBe('repaired (epoch 1)');
    expect(verdictOf('layer-weights')).toBe('original kept');
    expect(verdictOf('random-genotype')).toBe('original kept');
    // block-weights lost 10 points on fog: marked with ▼ next to its change.
    const blockFog = rows.find((r) => r.getAttribute('data-method') === 'block-weights')!.querySelectorAll('td')[3];
    expect(blockFog.textContent).toContain('−10.0');
    expect(blockFog.textContent).toContain('▼');
  });
});

// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import SearchStep from '../../../../src/ui/steps/SearchStep.svelte';
import type { LabState } from '../../../../src/ui/state/lab.svelte';
import type { EpochMetrics } from '../../../../src/core/types';
import type { SearchInfo } from '../../../../src/worker/lab-types';
import { GALLERY_OPS, galleryHistory } from '../../../../src/ui/components/viz/gallery-data';
import { reactive } from './reactive.svelte';
import { keptSelection, repairedSelection } from './verdict-fixtures';
import type { DeriveView } from '../../../../src/worker/lab-types';

// jsdom has no canvas for Chart.js; the charts are not what these tests are about.
vi.mock('../../../../src/ui/components/viz/chart-effect.svelte', () => ({ useChart: () => {} }));

afterEach(cleanup);

const history = galleryHistory(3);
const search: SearchInfo = {
  sessionId: 's1', blockIndex: 1, blockName: 'conv unit 2', preset: 'lite', steps: 3, ops: [...GALLERY_OPS], epochsPlanned: 3,
  sizes: { weights: 40, alpha: 40, validation: 20 }, alphaSoftmax: history[0].alphaSoftmax, genotype: history[0].genotype, isPersistent: false,
};

/** The slice of LabState that SearchStep reads, with spied actions; everything else is absent. */
function stubLab(over: Partial<Record<keyof LabState, unknown>> = {}) {
  const actions = {
    pause: vi.fn(), startSearch: vi.fn(async () => {}), stepEpoch: vi.fn(async () => {}), halfStep: vi.fn(async () => {}),
    run: vi.fn(async () => {}), derive: vi.fn(async () => {}), evaluate: vi.fn(async () => {}),
  };
  const lab = {
    runState: 'idle', isBusy: false, model: { graph: { blocks: [] } }, dataset: {}, localization: null, search: null,
    history: [] as EpochMetrics[], halfSteps: [], live: null, derived: null, lastCheckpoint: null, memoryHistory: [], epochsLeft: 3,
    lesson: reactive({ preset: 'lite', epochs: 3, finetuneEpochs: 1, batchSize: 16 }), ...actions, ...over,
  };
  return { lab: lab as unknown as LabState, actions };
}

const CONTROL_IDS = ['search-start', 'step-epoch', 'step-alpha', 'step-weights', 'run-epochs', 'pause', 'derive'] as const;

function enabled(): Record<string, boolean> {
  return Object.fromEntries(CONTROL_IDS.map((id) => [id, !(screen.getByTestId(id) as HTMLButtonElement).disabled]));
}

describe('SearchStep controls', () => {
  it('disables every step without a model, and only allows stepping (not deriving) before the first epoch', async () => {
    const { rerender } = render(SearchStep, stubLab({ model: null }));
    expect(Object.values(enabled()).some(Boolean)).toBe(false);
    await rerender(stubLab());
    expect(enabled()).toEqual({ 'search-start': true, 'step-epoch': true, 'step-alpha': true, 'step-weights': true, 'run-epochs': true, pause: false, derive: false });
    expect(screen.getByTestId('search-start').textContent).toMatch(/^Start search/);
    expect(screen.getByTestId('run-epochs').textContent).toMatch(/^Run 3 epochs/);
  });

  it('offers Reset and Derive once epochs exist, and only Pause while running', async () => {
    const { rerender } = render(SearchStep, stubLab({ search, history, epochsLeft: 1 }));
    expect(enabled()).toEqual({ 'search-start': true, 'step-epoch': true, 'step-alpha': true, 'step-weights': true, 'run-epochs': true, pause: false, derive: true });
    expect(screen.getByTestId('search-start').textContent).toMatch(/^Reset/);
    expect(screen.getByTestId('run-epochs').textContent).toMatch(/^Run 1 more epoch /);
    expect(screen.getByTestId('epoch-counter').textContent).toBe('3');

    await rerender(stubLab({ search, history, runState: 'running' }));
    expect(enabled()).toEqual({ 'search-start': false, 'step-epoch': false, 'step-alpha': false, 'step-weights': false, 'run-epochs': false, pause: true, derive: false });
    await rerender(stubLab({ search, history, runState: 'pausing' }));
    expect(enabled().pause).toBe(false);
    expect(screen.getByTestId('pause').textContent).toMatch(/^Pausing after this epoch/);
    await rerender(stubLab({ search, history, isBusy: true }));
    expect(Object.values(enabled()).some(Boolean)).toBe(false);
  });

  it('maps buttons and shortcut keys to lab actions', async () => {
    const { lab, actions } = stubLab({ search, history, epochsLeft: 2 });
    render(SearchStep, { lab });
    await fireEvent.click(screen.getByTestId('step-alpha'));
    await fireEvent.click(screen.getByTestId('run-epochs'));
    await fireEvent.keyDown(window, { key: 'w' });
    await fireEvent.keyDown(window, { key: 'E' });
    await fireEvent.keyDown(window, { key: 'c' });
    await fireEvent.keyDown(window, { key: 'd' });
    await fireEvent.keyDown(window, { key: 's' });
    expect(actions.halfStep.mock.calls).toEqual([['alpha'], ['weights']]);
    expect(actions.run.mock.calls).toEqual([['epochs', 2], ['converge', 100]]);
    expect(actions.stepEpoch).toHaveBeenCalledTimes(1);
    expect(actions.derive).toHaveBeenCalledTimes(1);
    expect(actions.startSearch).toHaveBeenCalledTimes(1);
  });

  it('ignores shortcuts while typing in a field, with modifiers, or when stepping is not allowed; p still pauses', async () => {
    const running = stubLab({ search, history, runState: 'running' });
    const { rerender } = render(SearchStep, { lab: running.lab });
    await fireEvent.keyDown(window, { key: 'e' });
    await fireEvent.keyDown(window, { key: 'p' });
    expect(running.actions.stepEpoch).not.toHaveBeenCalled();
    expect(running.actions.pause).toHaveBeenCalledTimes(1);

    const idle = stubLab({ search, history });
    await rerender({ lab: idle.lab });
    await fireEvent.keyDown(screen.getByTestId('epochs'), { key: 'e' });
    await fireEvent.keyDown(window, { key: 'e', ctrlKey: true });
    await fireEvent.keyDown(window, { key: 'x' });
    expect(idle.actions.stepEpoch).not.toHaveBeenCalled();
    // Derive needs at least one epoch, even by keyboard.
    const fresh = stubLab({ search });
    await rerender({ lab: fresh.lab });
    await fireEvent.keyDown(window, { key: 'd' });
    expect(fresh.actions.derive).not.toHaveBeenCalled();
  });

  it('writes the search settings into the lesson and locks the search space while running', async () => {
    const { lab } = stubLab();
    const { rerender } = render(SearchStep, { lab });
    await fireEvent.input(screen.getByTestId('epochs'), { target: { value: '7' } });
    expect(lab.lesson.epochs).toBe(7);
    const space = screen.getByRole('combobox', { name: /Search space/ }) as HTMLSelectElement;
    expect(space.disabled).toBe(false);
    await rerender(stubLab({ runState: 'running' }));
    expect((screen.getByRole('combobox', { name: /Search space/ }) as HTMLSelectElement).disabled).toBe(true);
  });
});

describe('SearchStep α entropy, drift and the do-no-harm selection', () => {
  const withDrift = history.map((m, i) => ({ ...m, accDrift: 0.4 + 0.1 * i }));
  const derived = (selection: DeriveView['selection']): DeriveView => ({ genotype: history[2].genotype, params: 1200, originalBlockParams: 4640, finetuneLosses: [0.5, 0.4], selection });

  it('lists α entropy from the start through every epoch, and the drifted validation accuracy', () => {
    render(SearchStep, stubLab({ search, history: withDrift }));
    const entropy = screen.getByTestId('alpha-entropy');
    const values = [...entropy.querySelectorAll('span[title]')].map((s) => s.textContent);
    expect(values).toHaveLength(4);
    expect(values.slice(1)).toEqual(history.map((m) => m.alphaEntropy.toFixed(2)));
    expect(Number(values[0])).toBeGreaterThan(0.9);
    expect(entropy.textContent).toContain('→');
    const metrics = screen.getByTestId('epoch-metrics');
    expect(metrics.textContent).toContain('drifted validation 60.0%');
    expect(metrics.getAttribute('data-acc-drift')).toBe(String(withDrift[2].accDrift));
  });

  it('leaves the drift out of the text when the epoch did not measure it', () => {
    render(SearchStep, stubLab({ search, history: history.map((m) => ({ ...m, accDrift: Number.NaN })) }));
    expect(screen.getByTestId('epoch-metrics').textContent).not.toContain('drifted');
  });

  it('says which fine-tune epoch was kept, with the candidates, the clean bound and the robustness guard', () => {
    render(SearchStep, stubLab({ search, history, derived: derived({ ...repairedSelection, cleanImages: 3000 }) }));
    expect(screen.getByTestId('clean-images').textContent).toContain('counted on 3,000 images');
    const verdict = screen.getByTestId('derive-verdict');
    expect(verdict.getAttribute('data-verdict')).toBe('repaired');
    expect(verdict.getAttribute('data-chosen-epoch')).toBe('1');
    expect(verdict.textContent).toContain('Kept fine-tune epoch 1');
    expect(verdict.textContent).toContain('40.0% → 70.0%');
    const rows = [...screen.getByTestId('derive-candidates').querySelectorAll('tbody tr')].map((r) => [...r.children].map((c) => c.textContent));
    expect(rows).toEqual([
      ['original model', '98.0%', '40.0%', 'reference', 'reference', ''],
      ['epoch 1', '97.8%', '70.0%', 'yes', 'fog −1.2 ± 0.4', '✓ kept'],
      ['epoch 2', '95.0%', '80.0%', 'no', '', ''],
      ['epoch 3', '97.9%', '90.0%', 'yes', 'brightness −10.0 ± 1.0 ✗ over 2 points', ''],
    ]);
    expect(screen.getByTestId('derive-candidates').querySelector('tr[data-epoch="3"]')!.getAttribute('data-harmful')).toBe('true');
    expect(screen.getByTestId('derived').textContent).toContain('The robustness guard also turns down');
  });

  it('says when the derived cell is mostly pooling and skips, and only then', () => {
    const collapsed = {
      steps: 3,
      edges: [
        { node: 1, from: 0, op: 'max_pool_3x3' },
        { node: 2, from: 0, op: 'max_pool_3x3' },
        { node: 2, from: 1, op: 'dil_conv_3x3' },
        { node: 3, from: 0, op: 'skip_connect' },
        { node: 3, from: 2, op: 'max_pool_3x3' },
      ],
      concat: [1, 2, 3],
    };
    render(SearchStep, stubLab({ search, history, derived: { ...derived(repairedSelection), genotype: collapsed } }));
    expect(screen.getByTestId('derived-collapsed').textContent).toContain("4 of the cell's 5 edges are pooling or skip connections");
    cleanup();
    const convs = { ...collapsed, edges: collapsed.edges.map((e, i) => (i < 3 ? { ...e, op: 'sep_conv_3x3' } : e)) };
    render(SearchStep, stubLab({ search, history, derived: { ...derived(repairedSelection), genotype: convs } }));
    expect(screen.queryByTestId('derived-collapsed')).toBeNull();
  });

  it('says plainly when the original model is kept', () => {
    render(SearchStep, stubLab({ search, history, derived: derived(keptSelection) }));
    const verdict = screen.getByTestId('derive-verdict');
    expect(verdict.getAttribute('data-verdict')).toBe('no-repair');
    expect(verdict.textContent).toMatch(/No repair found that keeps clean accuracy: the original model is kept/);
    const kept = screen.getByTestId('derive-candidates').querySelector('tr[data-kept="true"]')!;
    expect(kept.getAttribute('data-epoch')).toBe('0');
    // This selection ran without the robustness guard: no guard column, no guard sentence.
    expect(screen.getByTestId('derive-candidates').querySelector('thead')!.textContent).not.toContain('worst other corruption');
    expect(screen.getByTestId('derived').textContent).not.toContain('robustness guard');
    // A selection of an older session does not say how many clean images it read: no sentence.
    expect(screen.queryByTestId('clean-images')).toBeNull();
  });
});

// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import DataStep from '../../../../src/ui/steps/DataStep.svelte';
import type { LabState } from '../../../../src/ui/state/lab.svelte';
import type { DriftSetView, FailureView } from '../../../../src/worker/lab-types';
import type { FileRef } from '../../../../src/ui/files';
import { reactive } from './reactive.svelte';

// jsdom has no canvas for Chart.js; the charts are not what these tests are about.
vi.mock('../../../../src/ui/components/viz/chart-effect.svelte', () => ({ useChart: () => {} }));

afterEach(cleanup);

const DIGITS = Array.from({ length: 10 }, (_, i) => String(i));
const batch = (n: number) => ({ pixels: new Float32Array(n * 4), shape: [n, 2, 2, 1] as [number, number, number, number], labels: new Int32Array(n) });

const driftSet: DriftSetView = {
  info: { name: 'my-fog', title: 'my-fog', count: 120, shape: [28, 28, 1], classNames: DIGITS, provenance: 'Image folder "my-fog": 120 images in 10 classes', source: 'imported' },
  samples: batch(4),
  histogram: new Array(10).fill(12),
  fromCache: false,
  identity: { name: 'my-fog', count: 120, shape: [28, 28, 1], classNames: DIGITS, hash: `sha256:${'ab'.repeat(32)}` },
  conversions: ['resized 32×32 → 28×28, RGB → grey (120 images)'],
};

const ownFailures: FailureView = {
  corruption: 'my-fog', severity: 0, isOwnDrift: true, workingSize: 120, repairPoolSize: 60, heldOutSize: 48, poolAccuracy: 0.5, heldOutAccuracy: 0.52,
  failingTotal: 30, failingUsed: 16, perClass: new Array(10).fill(0), examples: { ...batch(2), predictions: new Int32Array(2) },
};

/** The slice of LabState the Data step reads, with spied actions. */
function stubLab(over: Partial<Record<keyof LabState, unknown>> = {}) {
  const actions = { chooseDriftSource: vi.fn(), importDriftSet: vi.fn(async (_files: FileRef[]) => {}), collectFailures: vi.fn(), openDataset: vi.fn(), importDataset: vi.fn(), showCorruptionGrid: vi.fn(), shareLesson: vi.fn() };
  const lab = {
    isBusy: false, model: { card: null, classNames: DIGITS }, dataset: null, datasets: [], grid: null, failures: null, driftSource: 'corruption', driftSet: null,
    lesson: reactive({ corruption: 'fog', severity: 3, workingSize: 400, failureCap: 40, seed: 1 }), ...actions, ...over,
  };
  return { lab: lab as unknown as LabState, actions };
}

describe('DataStep: the drift is a corruption or the user\'s own drifted images', () => {
  it('offers both next to each other; choosing "my own drifted images" asks the lab to switch', async () => {
    const { lab, actions } = stubLab();
    render(DataStep, { lab });
    expect((screen.getByTestId('drift-source-corruption') as HTMLInputElement).checked).toBe(true);
    expect(screen.getByTestId('corruption-select')).toBeTruthy();
    expect(screen.queryByTestId('own-drift')).toBeNull();
    await fireEvent.click(screen.getByTestId('drift-source-own'));
    expect(actions.chooseDriftSource).toHaveBeenCalledWith('own');
  });

  it('shows the drop zone, and hands dropped files over unread (the worker checks sizes first)', async () => {
    const { lab, actions } = stubLab({ driftSource: 'own' });
    render(DataStep, { lab });
    expect(screen.queryByTestId('corruption-select')).toBeNull();
    expect(screen.queryByTestId('drift-facts')).toBeNull();
    const file = new File([new Uint8Array([137, 80, 78, 71])], '0.png');
    await fireEvent.drop(screen.getByTestId('drift-drop'), { dataTransfer: { items: [], files: [file] } });
    await waitFor(() => expect(actions.importDriftSet).toHaveBeenCalledTimes(1));
    const [refs] = actions.importDriftSet.mock.calls[0];
    expect(refs).toEqual([{ path: '0.png', file }]);
    await fireEvent.click(screen.getByTestId('drift-source-corruption'));
    expect(actions.chooseDriftSource).toHaveBeenCalledWith('corruption');
  });

  it('names the dropped set with its count, shape, classes and content hash, and says how it was fitted', () => {
    const { lab } = stubLab({ driftSource: 'own', driftSet });
    render(DataStep, { lab });
    const facts = screen.getByTestId('drift-facts');
    expect(facts.textContent).toContain('my-fog: 120 images of 28×28×1, 10 classes');
    expect(facts.textContent).toContain('sha256:abababababab…');
    expect(facts.getAttribute('data-hash')).toBe(driftSet.identity.hash);
    expect(screen.getByTestId('drift-conversions').textContent).toBe('Fitted to the model\'s input: resized 32×32 → 28×28, RGB → grey (120 images).');
    expect(screen.getByTestId('own-drift').querySelectorAll('figure')).toHaveLength(4);
  });

  it('needs a model before a drift set can be fitted, and keeps the zone disabled while busy', () => {
    const { lab } = stubLab({ driftSource: 'own', model: null });
    render(DataStep, { lab });
    expect(screen.getByTestId('own-drift').textContent).toContain('Open a model first');
    expect([...screen.getByTestId('drift-drop').querySelectorAll('button')].every((b) => b.disabled)).toBe(true);
  });

  it('summarises failures in the drift set and its held-out part (no severity)', () => {
    const { lab } = stubLab({ driftSource: 'own', driftSet, failures: ownFailures });
    render(DataStep, { lab });
    const summary = screen.getByTestId('failure-summary');
    expect(summary.querySelector('h3')?.textContent).toBe('Failures in your drift set my-fog');
    expect(screen.getByTestId('failure-facts').textContent).toContain('On the 48 held-out images of your drift set (never trained on)');
  });
});

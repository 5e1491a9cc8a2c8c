// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import ProgressBar from '../../../../src/ui/components/ProgressBar.svelte';

afterEach(cleanup);

function bar(): HTMLProgressElement {
  return screen.getByTestId('progress').querySelector('progress')!;
}

describe('ProgressBar', () => {
  it('shows phase, done / total and the ETA, and the rounded percentage', () => {
    render(ProgressBar, { progress: { phase: 'Search epoch', done: 3, total: 8, etaMs: 95_000 } });
    expect(screen.getByText('Search epoch: 3 / 8 · 1 min 35 s left')).toBeTruthy();
    expect(bar().value).toBe(38);
    expect(bar().getAttribute('aria-label')).toBe('Search epoch');
  });

  it('says "estimating" until an ETA is known, and only the phase before a multi-step job starts', async () => {
    const { rerender } = render(ProgressBar, { progress: { phase: 'Scoring', done: 0, total: 1, etaMs: null } });
    expect(screen.getByText('Scoring…')).toBeTruthy();
    expect(bar().value).toBe(0);
    await rerender({ progress: { phase: 'Scoring', done: 1, total: 40, etaMs: null } });
    expect(screen.getByText('Scoring: 1 / 40 · estimating… left')).toBeTruthy();
    await rerender({ progress: { phase: 'Scoring', done: 40, total: 40, etaMs: 0 } });
    expect(bar().value).toBe(100);
  });

  it('treats total 0 as 0 % rather than dividing by zero', () => {
    render(ProgressBar, { progress: { phase: 'Loading', done: 2, total: 0, etaMs: 500 } });
    expect(bar().value).toBe(0);
  });

  it('offers Cancel only with an onCancel callback, and calls it on click', async () => {
    const progress = { phase: 'Training', done: 1, total: 4, etaMs: 2000 };
    const first = render(ProgressBar, { progress });
    expect(screen.queryByRole('button', { name: 'Cancel' })).toBeNull();
    first.unmount();
    const onCancel = vi.fn();
    render(ProgressBar, { progress, onCancel });
    await fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(onCancel).toHaveBeenCalledTimes(1);
  });
});

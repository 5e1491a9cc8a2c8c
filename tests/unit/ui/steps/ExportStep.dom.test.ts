// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, render, screen } from '@testing-library/svelte';
import ExportStep from '../../../../src/ui/steps/ExportStep.svelte';
import type { LabState } from '../../../../src/ui/state/lab.svelte';
import type { ExportBundle } from '../../../../src/worker/lab-types';
import { keptSelection, repairedSelection, resultsView } from './verdict-fixtures';

afterEach(cleanup);

const exported: ExportBundle = { files: [{ name: 'model.json', bytes: new Uint8Array(10) }, { name: 'group1-shard1of1.bin', bytes: new Uint8Array(100) }], reportJson: '{}', reportMarkdown: '# report' };

function stubLab(verdict: 'repaired' | 'no-repair', evaluated = true, savedRepaired: string | null = null, results = evaluated ? resultsView(verdict) : null): LabState {
  const selection = verdict === 'repaired' ? repairedSelection : keptSelection;
  return {
    model: { name: 'mnist-cnn' }, derived: { selection }, results, exported, isBusy: false, savedRepaired,
    prepareExport: vi.fn(), saveRepaired: vi.fn(),
  } as unknown as LabState;
}

/** Every text the Export step uses for what it hands out (files, save button, intro). */
function downloadText(): string {
  return [screen.getByTestId('export-files').textContent, screen.getByTestId('save-repaired').textContent, screen.getByTestId('export-intro').textContent].join(' ');
}

describe('ExportStep wording', () => {
  it('keeps today\'s wording when the model was repaired', () => {
    render(ExportStep, { lab: stubLab('repaired') });
    expect(screen.getByTestId('export-model-label').textContent).toBe('Download the repaired model');
    expect(screen.getByTestId('export-files').getAttribute('data-verdict')).toBe('repaired');
    expect(downloadText()).toMatch(/repaired/);
    expect(screen.getByTestId('export-files').textContent).toContain('mnist-cnn-repaired-report.json');
    expect(screen.queryByTestId('export-verdict')).toBeNull();
  });

  it('never calls the download "repaired" when the original was kept, even before an evaluation', () => {
    for (const evaluated of [true, false]) {
      render(ExportStep, { lab: stubLab('no-repair', evaluated, 'mnist-cnn-copy') });
      expect(screen.getByTestId('export-model-label').textContent).toBe('Download the model (unchanged: no repair found that keeps clean accuracy)');
      expect(screen.getByTestId('export-files').getAttribute('data-verdict')).toBe('no-repair');
      expect(downloadText()).not.toMatch(/repaired/i);
      expect(screen.getByTestId('export-files').textContent).toContain('mnist-cnn-unchanged-report.md');
      expect(screen.getByTestId('export-verdict').textContent).toMatch(/no repair found that keeps clean accuracy/i);
      expect(screen.getByTestId('saved-repaired').textContent).toContain('unchanged original model');
      expect(document.querySelector('code')!.textContent).not.toMatch(/repaired/);
      cleanup();
    }
  });

  it('offers a kept repair that fell below the clean bound on held-out images as a candidate, never as repaired', () => {
    const worse = resultsView('repaired');
    const clean = worse.original.rows.findIndex((x) => x.label === 'clean');
    worse.repaired.rows[clean] = { ...worse.repaired.rows[clean], accuracy: worse.original.rows[clean].accuracy - 0.012 };
    render(ExportStep, { lab: stubLab('repaired', true, 'mnist-cnn-candidate', worse) });
    expect(screen.getByTestId('export-model-label').textContent).toBe('Download the candidate model (not a repair: 1.2 points below the original on held-out clean images)');
    expect(screen.getByTestId('export-files').getAttribute('data-verdict')).toBe('clean-shortfall');
    expect(downloadText()).not.toMatch(/repaired/i);
    expect(screen.getByTestId('export-files').textContent).toContain('mnist-cnn-candidate-report.json');
    expect(screen.getByTestId('export-verdict').textContent).toMatch(/Not a repair on clean data.*1\.2 points below the original/);
    expect(screen.getByTestId('saved-repaired').textContent).toContain('a candidate, not a repair');
  });
});

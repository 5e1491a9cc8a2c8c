// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import ErrorPanel from '../../../../src/ui/components/ErrorPanel.svelte';
import type { ShownError } from '../../../../src/ui/state/lab.svelte';

afterEach(cleanup);

const full: ShownError = { id: 7, message: 'The model has no weights file.', file: 'model.json', field: 'weightsManifest', fix: 'Drop the .bin files together with model.json.' };
const bare: ShownError = { id: 9, message: 'Out of memory.' };

describe('ErrorPanel', () => {
  it('shows message, file, field and fix of each error as an alert', () => {
    render(ErrorPanel, { errors: [full, bare], onDismiss: () => {} });
    const alerts = screen.getAllByRole('alert');
    expect(alerts).toHaveLength(2);
    expect(alerts[0].textContent).toContain(full.message);
    expect(alerts[0].querySelector('.where')?.textContent).toMatch(/File: model\.json\s+Field: weightsManifest/);
    expect(alerts[0].querySelector('.fix')?.textContent).toBe(`How to fix: ${full.fix}`);
    // Without file, field or fix those lines are left out rather than shown empty.
    expect(alerts[1].textContent).toContain(bare.message);
    expect(alerts[1].querySelector('.where')).toBeNull();
    expect(alerts[1].querySelector('.fix')).toBeNull();
  });

  it('shows only the field when there is no file', () => {
    render(ErrorPanel, { errors: [{ id: 1, message: 'Bad value.', field: 'epochs' }], onDismiss: () => {} });
    const where = screen.getByRole('alert').querySelector('.where')!;
    expect(where.textContent).not.toContain('File:');
    expect(where.querySelector('code')?.textContent).toBe('epochs');
  });

  it('dismisses by id, and the message goes once the errors prop drops it', async () => {
    const onDismiss = vi.fn();
    const { rerender } = render(ErrorPanel, { errors: [full, bare], onDismiss });
    const buttons = screen.getAllByRole('button', { name: 'Dismiss this message' });
    await fireEvent.click(buttons[1]);
    expect(onDismiss).toHaveBeenCalledExactlyOnceWith(9);
    await rerender({ errors: [full] });
    expect(screen.getAllByRole('alert')).toHaveLength(1);
    expect(screen.queryByText(/Out of memory/)).toBeNull();
    await rerender({ errors: [] });
    expect(screen.queryAllByRole('alert')).toHaveLength(0);
  });
});

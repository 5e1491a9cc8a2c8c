// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import UpdatePrompt from '../../../../src/ui/components/UpdatePrompt.svelte';

afterEach(cleanup);

describe('UpdatePrompt', () => {
  it('says nothing until the service worker has news', () => {
    render(UpdatePrompt, { isOfflineReady: false, needsRefresh: false, onUpdate: vi.fn(), onDismiss: vi.fn() });
    expect(screen.getByRole('status').textContent?.trim()).toBe('');
    expect(screen.queryAllByRole('button')).toHaveLength(0);
  });

  it('announces a new version politely and lets the teacher reload now or later, with buttons (keyboard-operable)', async () => {
    const onUpdate = vi.fn();
    const onDismiss = vi.fn();
    render(UpdatePrompt, { isOfflineReady: true, needsRefresh: true, onUpdate, onDismiss });
    const status = screen.getByRole('status');
    expect(status.getAttribute('aria-live')).toBe('polite');
    expect(status.textContent).toContain('A new version of the lab is ready');
    await fireEvent.click(screen.getByRole('button', { name: 'Reload to update' }));
    expect(onUpdate).toHaveBeenCalledTimes(1);
    await fireEvent.click(screen.getByRole('button', { name: 'Later' }));
    expect(onDismiss).toHaveBeenCalledTimes(1);
  });

  it('says once that the lab works offline', () => {
    render(UpdatePrompt, { isOfflineReady: true, needsRefresh: false, onUpdate: vi.fn(), onDismiss: vi.fn() });
    expect(screen.getByTestId('offline-ready').textContent).toContain('works without a network');
  });
});

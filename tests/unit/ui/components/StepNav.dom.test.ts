// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import StepNav from '../../../../src/ui/components/StepNav.svelte';
import { STEPS } from '../../../../src/ui/steps';

afterEach(cleanup);

describe('StepNav', () => {
  it('numbers every step and marks only the current one with aria-current', () => {
    render(StepNav, { steps: STEPS, current: 'localize', onSelect: () => {} });
    const buttons = screen.getAllByRole('button');
    expect(buttons.map((b) => b.textContent?.replace(/\s+/g, ' ').trim())).toEqual(STEPS.map((s, i) => `${i + 1} ${s.title}`));
    const current = buttons.filter((b) => b.getAttribute('aria-current') === 'step');
    expect(current).toHaveLength(1);
    expect(current[0].textContent).toContain('Localize');
    expect(current[0].classList.contains('active')).toBe(true);
  });

  it('calls onSelect with the clicked step id and moves aria-current when the prop changes', async () => {
    const onSelect = vi.fn();
    const { rerender } = render(StepNav, { steps: STEPS, current: 'model', onSelect });
    await fireEvent.click(screen.getByRole('button', { name: /Search/ }));
    expect(onSelect).toHaveBeenCalledWith('search');
    await rerender({ current: 'search' });
    expect(screen.getByRole('button', { name: /Search/ }).getAttribute('aria-current')).toBe('step');
    expect(screen.getByRole('button', { name: /Model/ }).hasAttribute('aria-current')).toBe(false);
  });
});

// @vitest-environment jsdom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, render, screen } from '@testing-library/svelte';
import ExampleGrid from '../../../../../src/ui/components/viz/ExampleGrid.svelte';
import { DIGITS, galleryImages } from '../../../../../src/ui/components/viz/gallery-data';

// jsdom has no 2D canvas; a null context makes the component skip painting (it uses `?.`).
let getContext: ReturnType<typeof vi.spyOn>;
beforeEach(() => {
  getContext = vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockReturnValue(null);
});
afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

function figures(): HTMLElement[] {
  return [...screen.getByTestId('example-grid').querySelectorAll('figure')];
}

describe('ExampleGrid', () => {
  it('captions each image with its true class, a ✓/✗ prediction, and marks wrong ones', () => {
    const { pixels, shape, labels, predictions } = galleryImages(12, 8, 1, 3);
    render(ExampleGrid, { pixels, shape, labels, predictions, classNames: DIGITS });
    const shown = figures();
    expect(shown).toHaveLength(12);
    shown.forEach((figure, i) => {
      const isCorrect = predictions[i] === labels[i];
      expect(figure.querySelector('.truth')?.textContent).toBe(DIGITS[labels[i]]);
      expect(figure.querySelector('.pred')?.textContent).toBe(`${isCorrect ? '✓' : '✗'} ${DIGITS[predictions[i]]}`);
      expect(figure.classList.contains('wrong')).toBe(!isCorrect);
      expect(figure.classList.contains('correct')).toBe(isCorrect);
      expect(figure.querySelector('canvas')?.textContent).toBe(`Examples ${i + 1}: true ${DIGITS[labels[i]]}, predicted ${DIGITS[predictions[i]]} (${isCorrect ? 'correct' : 'wrong'})`);
    });
    // The fixture has both kinds, so both branches above were exercised.
    expect(shown.some((f) => f.classList.contains('wrong'))).toBe(true);
    expect(shown.some((f) => f.classList.contains('correct'))).toBe(true);
    expect(getContext).toHaveBeenCalledTimes(12);
  });

  it('shows no prediction without predictions, falls back to the index for unknown classes, and adds captions', () => {
    const { pixels, shape } = galleryImages(3, 6, 3, 5);
    render(ExampleGrid, { pixels, shape, labels: [0, 1, 12], classNames: ['cat', 'dog'], captions: ['fog', '', 'blur'], title: 'Fixed' });
    const shown = figures();
    expect(shown.map((f) => f.querySelector('.truth')?.textContent)).toEqual(['cat', 'dog', '12']);
    expect(shown.every((f) => f.querySelector('.pred') === null && !f.classList.contains('wrong') && !f.classList.contains('correct'))).toBe(true);
    expect(shown.map((f) => f.querySelector('.caption')?.textContent ?? null)).toEqual(['fog', null, 'blur']);
    expect(screen.getByRole('group', { name: 'Fixed' })).toBeTruthy();
  });

  it('draws at most `limit` images at `scale` CSS px per pixel and says how many more there are', () => {
    const { pixels, shape, labels } = galleryImages(10, 8, 1, 9);
    render(ExampleGrid, { pixels, shape, labels, classNames: DIGITS, limit: 4, scale: 5 });
    expect(figures()).toHaveLength(4);
    expect(screen.getByText('and 6 more')).toBeTruthy();
    const canvas = figures()[0].querySelector('canvas')!;
    expect(canvas.style.width).toBe('40px');
    expect(canvas.width).toBe(8);
  });
});

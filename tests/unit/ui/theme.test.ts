import { describe, expect, it } from 'vitest';
import { OP_FAMILY_STYLE, PALETTE, SERIES, scaleColor, type ColorScaleName } from '../../../src/ui/theme';

/** WCAG relative luminance of an `rgb(r, g, b)` or `#rrggbb` colour. */
function luminance(color: string): number {
  const rgb = color.startsWith('#') ? [1, 3, 5].map((i) => parseInt(color.slice(i, i + 2), 16)) : color.match(/\d+/g)!.map(Number);
  const [r, g, b] = rgb.map((c) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

describe('colour scales a colour-blind viewer can read', () => {
  // Lightness that changes in one direction reads the same without hue (every CVD type, and grey print).
  it.each<[ColorScaleName, 1 | -1]>([['viridis', 1], ['heat', -1]])('%s changes luminance monotonically from end to end', (scale, direction) => {
    const steps = Array.from({ length: 41 }, (_, i) => luminance(scaleColor(i / 40, scale)));
    for (let i = 1; i < steps.length; i++) expect(direction * (steps[i] - steps[i - 1])).toBeGreaterThan(0);
    expect(Math.abs(steps[40] - steps[0])).toBeGreaterThan(0.5);
  });

  it('series and op families use only Okabe–Ito colours, and styles that share a colour differ in dash pattern', () => {
    const okabeIto = new Set<string>(Object.values(PALETTE));
    const styles = [...Object.values(SERIES), ...Object.values(OP_FAMILY_STYLE)];
    for (const s of styles) expect(okabeIto).toContain(s.color);
    const families = Object.values(OP_FAMILY_STYLE).map((s) => s.dash.join(','));
    expect(new Set(families).size).toBe(families.length);
  });
});

/**
 * Colours and sizes for the lab's pictures, in one place (CNN Explainer's config.js idea).
 * Series colours are the Okabe–Ito palette and the scales are viridis-like, both readable
 * by colour-blind people; series also differ by dash pattern so colour is never the only cue.
 */

/** Okabe–Ito colour-blind-safe palette, as hex strings. */
export const PALETTE = {
  black: '#000000',
  orange: '#E69F00',
  skyBlue: '#56B4E9',
  green: '#009E73',
  yellow: '#F0E442',
  blue: '#0072B2',
  vermillion: '#D55E00',
  purple: '#CC79A7',
  grey: '#8a8f99',
} as const;

/** Ink, muted text, grid lines and highlight colours matching theme.css. */
export const INK = { text: '#1d2330', muted: '#5b6475', grid: '#e3e5ea', border: '#d9dce3', accent: '#2a6fdb', ok: '#1f7a44', bad: '#b3261e' } as const;

/** Pixel sizes shared by the charts and graphs. */
export const SIZES = {
  chartHeightPx: 220,
  heatmapRowPx: 22,
  fontPx: 12,
  graphNodeHeightPx: 30,
  blockBoxWidthPx: 150,
  blockBoxHeightPx: 78,
  layerBoxHeightPx: 26,
  charWidthPx: 7,
} as const;

/** A named line/bar series style: colour plus dash pattern (px on, px off; [] = solid). */
export interface SeriesStyle {
  color: string;
  dash: number[];
}

/** Styles for the metric series of the loss and accuracy charts. */
export const SERIES = {
  lossWeights: { color: PALETTE.blue, dash: [] },
  lossAlpha: { color: PALETTE.orange, dash: [6, 3] },
  accFailures: { color: PALETTE.vermillion, dash: [] },
  accValidation: { color: PALETTE.green, dash: [6, 3] },
  accAdversarial: { color: PALETTE.purple, dash: [2, 2] },
  accDrift: { color: PALETTE.skyBlue, dash: [10, 3, 2, 3] },
  alphaEntropy: { color: PALETTE.black, dash: [1, 3] },
  before: { color: PALETTE.grey, dash: [] },
  after: { color: PALETTE.blue, dash: [] },
  forward: { color: PALETTE.skyBlue, dash: [] },
  backward: { color: PALETTE.orange, dash: [] },
  combined: { color: PALETTE.vermillion, dash: [] },
} as const satisfies Record<string, SeriesStyle>;

/** Families of DARTS ops; edges of a cell are coloured and dashed by family. */
export type OpFamily = 'none' | 'skip' | 'pool' | 'sep_conv' | 'dil_conv' | 'other';

/** Colour and dash per op family (dashes keep families apart without colour). */
export const OP_FAMILY_STYLE: Record<OpFamily, SeriesStyle> = {
  none: { color: PALETTE.grey, dash: [1, 3] },
  skip: { color: PALETTE.green, dash: [8, 4] },
  pool: { color: PALETTE.orange, dash: [3, 3] },
  sep_conv: { color: PALETTE.blue, dash: [] },
  dil_conv: { color: PALETTE.purple, dash: [10, 3, 2, 3] },
  other: { color: PALETTE.black, dash: [6, 2, 2, 2, 2, 2] },
};

/** The family of a DARTS op name such as 'sep_conv_3x3' or 'max_pool_3x3'. */
export function opFamily(op: string): OpFamily {
  if (op === 'none') return 'none';
  if (op === 'skip_connect') return 'skip';
  if (op.includes('pool')) return 'pool';
  if (op.startsWith('sep_conv')) return 'sep_conv';
  if (op.startsWith('dil_conv')) return 'dil_conv';
  return 'other';
}

type Rgb = readonly [number, number, number];

/** Viridis sampled at 9 evenly spaced stops (dark purple → yellow), for α and counts. */
const VIRIDIS: readonly Rgb[] = [
  [68, 1, 84], [71, 44, 122], [59, 81, 139], [44, 113, 142], [33, 144, 141],
  [39, 173, 129], [92, 200, 99], [170, 220, 50], [253, 231, 37],
];

/** Light yellow → dark red, for vulnerability scores (low → high). */
const HEAT: readonly Rgb[] = [
  [255, 255, 204], [255, 237, 160], [254, 217, 118], [254, 178, 76], [253, 141, 60],
  [252, 78, 42], [227, 26, 28], [189, 0, 38], [128, 0, 38],
];

/** Scales that map t in [0, 1] to a colour. */
export type ColorScaleName = 'viridis' | 'heat';
const SCALES: Record<ColorScaleName, readonly Rgb[]> = { viridis: VIRIDIS, heat: HEAT };

function interpolate(stops: readonly Rgb[], t: number): Rgb {
  const clamped = Number.isFinite(t) ? Math.min(1, Math.max(0, t)) : 0;
  const pos = clamped * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(pos));
  const f = pos - i;
  const a = stops[i];
  const b = stops[i + 1];
  const mix = (k: 0 | 1 | 2): number => Math.round(a[k] + (b[k] - a[k]) * f);
  return [mix(0), mix(1), mix(2)];
}

/** `rgb(r, g, b)` for t in [0, 1] on the named scale (t is clamped; NaN maps to 0). */
export function scaleColor(t: number, scale: ColorScaleName = 'viridis'): string {
  const [r, g, b] = interpolate(SCALES[scale], t);
  return `rgb(${r}, ${g}, ${b})`;
}

/** Black or white, whichever reads better on the scale colour at t (WCAG relative luminance). */
export function textColorOn(t: number, scale: ColorScaleName = 'viridis'): string {
  const lin = interpolate(SCALES[scale], t).map((c) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  });
  const luminance = 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2];
  return luminance > 0.22 ? '#000000' : '#ffffff';
}

/** A CSS linear-gradient of the named scale, for legends. */
export function scaleGradientCss(scale: ColorScaleName = 'viridis'): string {
  const stops = SCALES[scale].map((c, i, all) => `rgb(${c.join(', ')}) ${Math.round((100 * i) / (all.length - 1))}%`);
  return `linear-gradient(to right, ${stops.join(', ')})`;
}

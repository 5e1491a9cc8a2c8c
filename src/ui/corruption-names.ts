/** Corruption names and families as the page shows them (the engine's names are snake_case keys; no tfjs). */
import { CORRUPTION_FAMILY, CORRUPTION_NAMES, type CorruptionFamily, type CorruptionName } from '../core/data/corruptions';
import { m } from '../paraglide/messages';

/** Families in display order, each with its corruption names. */
export const CORRUPTION_CHOICES: { family: CorruptionFamily; names: CorruptionName[] }[] = (() => {
  const groups = new Map<CorruptionFamily, CorruptionName[]>();
  for (const name of CORRUPTION_NAMES) groups.set(CORRUPTION_FAMILY[name], [...(groups.get(CORRUPTION_FAMILY[name]) ?? []), name]);
  return [...groups].map(([family, names]) => ({ family, names }));
})();

const NAMES: Record<CorruptionName | 'clean' | 'none', () => string> = {
  clean: m.corruption_clean,
  none: m.corruption_none,
  gaussian_noise: m.corruption_gaussian_noise,
  shot_noise: m.corruption_shot_noise,
  impulse_noise: m.corruption_impulse_noise,
  speckle_noise: m.corruption_speckle_noise,
  defocus_blur: m.corruption_defocus_blur,
  glass_blur: m.corruption_glass_blur,
  motion_blur: m.corruption_motion_blur,
  zoom_blur: m.corruption_zoom_blur,
  fog: m.corruption_fog,
  brightness: m.corruption_brightness,
  contrast: m.corruption_contrast,
  spatter: m.corruption_spatter,
  pixelate: m.corruption_pixelate,
  jpeg_compression: m.corruption_jpeg_compression,
  elastic_transform: m.corruption_elastic_transform,
  rotate: m.corruption_rotate,
  shear: m.corruption_shear,
  scale: m.corruption_scale,
  translate: m.corruption_translate,
  stripe: m.corruption_stripe,
  zigzag: m.corruption_zigzag,
  dotted_line: m.corruption_dotted_line,
  canny_edges: m.corruption_canny_edges,
};

const FAMILIES: Record<CorruptionFamily, () => string> = {
  noise: m.family_noise,
  blur: m.family_blur,
  weather: m.family_weather,
  digital: m.family_digital,
  geometric: m.family_geometric,
  overlay: m.family_overlay,
};

/** A corruption (or 'clean', 'none') in the UI language; any other name (a user's drift set) with spaces for underscores. */
export function corruptionName(name: string): string {
  return Object.hasOwn(NAMES, name) ? NAMES[name as keyof typeof NAMES]() : name.replaceAll('_', ' ');
}

/** A corruption family in the UI language (unknown families unchanged). */
export function familyName(family: string): string {
  return Object.hasOwn(FAMILIES, family) ? FAMILIES[family as CorruptionFamily]() : family;
}

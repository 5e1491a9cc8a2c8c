/** Corruption names grouped by family for pickers (plain data from the engine's table; no tfjs). */
import { CORRUPTION_FAMILY, CORRUPTION_NAMES } from '../core/data/corruptions';

/** Families in display order, each with its corruption names. */
export const CORRUPTION_CHOICES: { family: string; names: string[] }[] = (() => {
  const groups = new Map<string, string[]>();
  for (const name of CORRUPTION_NAMES) groups.set(CORRUPTION_FAMILY[name], [...(groups.get(CORRUPTION_FAMILY[name]) ?? []), name]);
  return [...groups].map(([family, names]) => ({ family, names }));
})();

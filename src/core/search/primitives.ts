/**
 * The DARTS candidate operations (quark0/darts cnn/genotypes.py `PRIMITIVES`), spelled and
 * ordered exactly as there. The order is α's column order and is stored in checkpoints:
 * append, never reorder. No tfjs here, so UI code and genotype parsing can import it.
 */
export const PRIMITIVES = [
  'none',
  'max_pool_3x3',
  'avg_pool_3x3',
  'skip_connect',
  'sep_conv_3x3',
  'sep_conv_5x5',
  'dil_conv_3x3',
  'dil_conv_5x5',
] as const;

/** One DARTS primitive name. */
export type OpName = (typeof PRIMITIVES)[number];

/** True when `name` is one of the PRIMITIVES. */
export function isOpName(name: string): name is OpName {
  return (PRIMITIVES as readonly string[]).includes(name);
}

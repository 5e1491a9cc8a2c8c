/** A block's kind (the engine's BlockKind key) in the UI language. */
import type { BlockKind } from '../../../core/types';
import { m } from '../../../paraglide/messages';

const KINDS: Record<BlockKind, () => string> = {
  'conv-unit': m.block_kind_conv_unit,
  residual: m.block_kind_residual,
  module: m.block_kind_module,
  head: m.block_kind_head,
  other: m.block_kind_other,
};

export function blockKindName(kind: BlockKind): string {
  return KINDS[kind]();
}

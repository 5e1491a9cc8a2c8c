import { transferHandlers, type TransferHandler } from 'comlink';
import { fromErrorData, toErrorData, type ErrorData } from '../core/errors';

/**
 * comlink's default "throw" handler keeps only name/message/stack. Ours also keeps the
 * LabError fields (file, field, fix) so the page can show the user what to do.
 * Both sides (worker and page) must call this before the first call crosses.
 */
export function installErrorTransfer(): void {
  const handler: TransferHandler<{ value: unknown }, { isError: boolean; value: unknown }> = {
    canHandle: (value: unknown): value is { value: unknown } => typeof value === 'object' && value !== null && 'value' in value && THROWN.has(value),
    serialize: ({ value }) => [{ isError: value instanceof Error, value: value instanceof Error ? toErrorData(value) : value }, []],
    deserialize: (serialized) => {
      throw serialized.isError ? fromErrorData(serialized.value as ErrorData) : serialized.value;
    },
  };
  transferHandlers.set('throw', handler as TransferHandler<unknown, unknown>);
}

// comlink wraps thrown values as `{ value, [throwMarker]: 0 }`; its marker symbol is private,
// so recognise them by the marker key being present (a symbol-keyed own property).
const THROWN = {
  has(value: object): boolean {
    return Object.getOwnPropertySymbols(value).some((s) => s.description === 'Comlink.thrown');
  },
};

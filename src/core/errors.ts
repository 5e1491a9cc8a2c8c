/**
 * An error a user can act on: it names what was wrong (`file`, `field`) and how to fix it.
 * Every rejection of user input in core is a LabError.
 */
export class LabError extends Error {
  override name = 'LabError';
  readonly file?: string;
  readonly field?: string;
  readonly fix?: string;
  /** A stable name for this kind of error, so a UI can word it in its own language (message and fix in English stay the reference). */
  readonly code?: string;
  /** The values the worded error needs (file names, counts, limits). */
  readonly params?: ErrorParams;

  constructor(message: string, where: { file?: string; field?: string; fix?: string; code?: string; params?: ErrorParams } = {}) {
    super(message);
    this.file = where.file;
    this.field = where.field;
    this.fix = where.fix;
    this.code = where.code;
    this.params = where.params;
  }
}

/** Thrown inside a long operation when the user cancelled it. */
export class CancelledError extends Error {
  override name = 'CancelledError';
  constructor(phase = 'operation') {
    super(`The ${phase} was cancelled.`);
  }
}

/** Plain, cloneable description of any thrown value, for the worker boundary and the UI. */
export interface ErrorData {
  name: string;
  message: string;
  file?: string;
  field?: string;
  fix?: string;
  code?: string;
  params?: ErrorParams;
  stack?: string;
}

/** Plain values of a coded error. */
export type ErrorParams = Record<string, string | number>;

export function toErrorData(err: unknown): ErrorData {
  if (err instanceof Error) {
    const { file, field, fix, code, params } = err as Partial<LabError>;
    return { name: err.name, message: err.message, file, field, fix, code, params: params ? { ...params } : undefined, stack: err.stack };
  }
  return { name: 'Error', message: typeof err === 'string' ? err : JSON.stringify(err) };
}

/** Rebuilds an Error from ErrorData so `instanceof Error` and the extra fields survive. */
export function fromErrorData(data: ErrorData): Error {
  const err = data.name === 'LabError' ? new LabError(data.message, data) : new Error(data.message);
  err.name = data.name;
  if (data.stack) err.stack = data.stack;
  return err;
}

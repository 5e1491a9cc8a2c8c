/** What the lab accepted about a model but changed or limited, as plain data for the Model step, the CLI and reports. */

export type ModelWarningKind = 'quantised' | 'trailing-bytes' | 'several-outputs' | 'shared-layer';

export interface ModelWarning {
  kind: ModelWarningKind;
  /** One sentence for the user: what was found and what the lab does about it. */
  message: string;
  file?: string;
  field?: string;
}

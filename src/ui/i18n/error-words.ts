/**
 * Engine errors in the UI language. An error the engine gives a `code` (with its `params`) is
 * worded from the catalogue; any other keeps the engine's English message and fix. Codes are
 * added in core where an error is common in a workshop (bad model files, settings, backends).
 */
import type { ErrorParams } from '../../core/errors';
import { m } from '../../paraglide/messages';

type Words = (params: ErrorParams) => string;

const ERRORS: Record<string, { message: Words; fix: Words }> = {
  several_model_files: { message: (p) => m.err_several_model_files({ names: p.names }), fix: () => m.err_several_model_files_fix() },
  no_model_json: { message: (p) => m.err_no_model_json({ names: p.names }), fix: () => m.err_no_model_json_fix() },
  model_json_not_text: { message: (p) => m.err_model_json_not_text({ name: p.name }), fix: () => m.err_model_json_not_text_fix() },
  model_json_truncated: { message: (p) => m.err_model_json_truncated({ name: p.name, bytes: p.bytes }), fix: () => m.err_model_json_truncated_fix() },
  model_json_not_json: { message: (p) => m.err_model_json_not_json({ name: p.name, detail: p.detail }), fix: () => m.err_model_json_not_json_fix() },
  weight_file_missing: { message: (p) => m.err_weight_file_missing({ name: p.name }), fix: (p) => m.err_weight_file_missing_fix({ name: p.name }) },
  weight_file_missing_in_folder: { message: (p) => m.err_weight_file_missing({ name: p.name }), fix: (p) => m.err_weight_file_missing_in_folder_fix({ name: p.name, listed: p.listed }) },
  shard_too_short: { message: (p) => m.err_shard_too_short({ files: p.files, actual: p.actual, count: p.count, expected: p.expected }), fix: () => m.err_shard_too_short_fix() },
  search_setting_range: { message: (p) => m.err_search_setting_range({ field: p.field, lo: p.lo, hi: p.hi, got: p.got }), fix: (p) => m.err_setting_range_fix({ field: p.field, lo: p.lo, hi: p.hi }) },
  repair_setting_range: { message: (p) => m.err_repair_setting_range({ field: p.field, lo: p.lo, hi: p.hi, got: p.got }), fix: (p) => m.err_setting_range_fix({ field: p.field, lo: p.lo, hi: p.hi }) },
  unknown_backend: { message: (p) => m.err_unknown_backend({ value: p.value }), fix: (p) => m.err_unknown_backend_fix({ names: p.names }) },
  unknown_corruption: { message: (p) => m.err_unknown_corruption({ value: p.value }), fix: (p) => m.err_unknown_backend_fix({ names: p.names }) },
  repair_unknown_corruption: { message: (p) => m.err_repair_unknown_corruption({ value: p.value }), fix: (p) => m.err_repair_unknown_corruption_fix({ names: p.names }) },
  dataset_class_mismatch: { message: (p) => m.err_dataset_class_mismatch({ classes: p.classes, predicts: p.predicts }), fix: () => m.err_dataset_class_mismatch_fix() },
};

/** Whether the catalogue words errors with this code. */
export function isWordedError(code: string | undefined): code is string {
  return code !== undefined && Object.hasOwn(ERRORS, code);
}

/** Message and fix of a coded engine error in the UI language; the engine's own words when the code is unknown. */
export function errorWords(error: { message: string; fix?: string; code?: string; params?: ErrorParams }): { message: string; fix?: string } {
  if (!isWordedError(error.code)) return { message: error.message, fix: error.fix };
  const words = ERRORS[error.code];
  const params = error.params ?? {};
  return { message: words.message(params), fix: error.fix === undefined ? undefined : words.fix(params) };
}

/**
 * A labelled set meant for one model's repair (the clean, drift or training set): loaded fitted
 * to the model's input [H, W, C], then checked against the model's classes. The CLI's
 * --clean/--drift/--train and the page's dropped drift set both go through here. Pure.
 */
import type { Dataset } from './dataset';
import { matchModelClasses, type ModelClasses } from './class-match';
import type { LabelledSet, LabelledSetOptions } from './labelled-set';

/** What a set must fit: the model's input [H, W, C] and its classes. */
export interface RepairSetModel extends ModelClasses {
  inputShape: readonly number[];
}

/** Loader options that fit every image of a set named `name` to the model's input. */
export function repairSetOptions(model: RepairSetModel, name: string): LabelledSetOptions & { target: readonly [number, number, number] } {
  const [h, w, c] = model.inputShape;
  return { name, target: [h, w, c] as const };
}

/**
 * The loaded set with labels in the model's class order, and what fitting changed as notes
 * (`role` prefixes each note, e.g. "--drift: "). Refuses a set whose classes are not the model's;
 * `where` names the set in that error.
 */
export function checkRepairSet(loaded: Pick<LabelledSet, 'dataset' | 'conversions'>, model: RepairSetModel, where: string, notePrefix = ''): { dataset: Dataset; notes: string[] } {
  const dataset = matchModelClasses(loaded.dataset, { numClasses: model.numClasses, classNames: model.classNames ? [...model.classNames] : undefined }, where);
  return { dataset, notes: loaded.conversions.map((n) => `${notePrefix}${n}`) };
}

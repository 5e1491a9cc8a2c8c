/** Does a labelled set fit the model it is meant for? Class count and, where both name them, class names. Pure. */
import { LabError } from '../errors';
import type { Dataset } from './dataset';

/** What the model says about its classes: its output size, and names when known (metadata.json, model card). */
export interface ModelClasses {
  numClasses: number;
  classNames?: readonly string[] | null;
}

const isNumbered = (names: readonly string[]): boolean => names.every((n, i) => n === String(i));
const list = (names: readonly string[]): string => (names.length > 12 ? `${names.slice(0, 12).join(', ')}, …` : names.join(', '));

/**
 * The set with labels in the model's class order. Refuses a set whose class count differs from
 * the model's output size, or whose class names are not the model's; a set with the model's
 * names in another order gets its labels renumbered (and says so in its provenance).
 * Numbered names ('0', '1', …) on either side only need the count to match.
 */
export function matchModelClasses(ds: Dataset, model: ModelClasses, where = ds.name): Dataset {
  const names = ds.classNames;
  const maxLabel = ds.labels.reduce((a, b) => Math.max(a, b), -1);
  // Numbered classes come from the labels themselves: a label past the model's range is the error to name.
  if (isNumbered(names) && maxLabel >= model.numClasses) throw labelsOutOfRange(where, maxLabel, model.numClasses);
  if (names.length !== model.numClasses) {
    throw new LabError(`The set "${where}" has ${names.length} classes (${list(names)}), but the model outputs ${model.numClasses} classes${model.classNames && !isNumbered(model.classNames) ? ` (${list(model.classNames)})` : ''}.`, {
      file: where,
      field: 'classes',
      fix: `Use a set with exactly the model's ${model.numClasses} classes (one sub-folder per class, or a classes.txt listing them in the model's order).`,
    });
  }
  if (maxLabel >= model.numClasses) throw labelsOutOfRange(where, maxLabel, model.numClasses);
  const wanted = model.classNames;
  if (!wanted || isNumbered(wanted) || isNumbered(names)) return ds;
  if (names.every((n, i) => n === wanted[i])) return ds;
  const missing = wanted.filter((n) => !names.includes(n));
  const extra = names.filter((n) => !wanted.includes(n));
  if (missing.length > 0 || extra.length > 0) {
    throw new LabError(`The classes of "${where}" differ from the model's: ${[missing.length > 0 && `the set lacks ${list(missing)}`, extra.length > 0 && `the model has no class ${list(extra)}`].filter(Boolean).join('; ')}.`, {
      file: where,
      field: 'classes',
      fix: `Name the class folders (or the lines of classes.txt) exactly as the model's classes: ${list(wanted)}.`,
    });
  }
  const remap = Int32Array.from(names, (n) => wanted.indexOf(n));
  return { ...ds, labels: Int32Array.from(ds.labels, (l) => remap[l]), classNames: [...wanted], provenance: `${ds.provenance}; labels renumbered to the model's class order` };
}

function labelsOutOfRange(where: string, maxLabel: number, numClasses: number): LabError {
  return new LabError(`The set "${where}" holds label ${maxLabel}, but the model outputs ${numClasses} classes (labels 0…${numClasses - 1}).`, {
    file: where,
    field: 'labels',
    fix: `Use labels 0…${numClasses - 1} (the model's classes), or leave out the images labelled ${numClasses} or more.`,
  });
}

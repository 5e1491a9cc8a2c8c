import { BUNDLED_DATASET_NAMES, type BundledDatasetName } from './bundled';

/** The bundled clean training split that goes with a bundled test set (null when there is none). */
export function bundledTrainingSplitOf(testSet: string): BundledDatasetName | null {
  const family = testSet.endsWith('-test') ? testSet.slice(0, -'-test'.length) : null;
  const match = family ? BUNDLED_DATASET_NAMES.find((n) => n.startsWith(`${family}-train`)) : undefined;
  return match ?? null;
}

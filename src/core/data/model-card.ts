/**
 * Model cards of the demo zoo (public/models/<name>/card.json): what a model is, how it was trained, and how it
 * fares on clean and corrupted test data. Plain JSON, read by the Model step and checked by a unit test.
 */
import { LabError } from '../errors';
import type { BundledDatasetName } from './bundled';
import type { CorruptionName } from './corruptions';

/** One line of the architecture summary. */
export interface CardLayer {
  name: string;
  className: string;
  /** Output shape without the batch dimension. */
  outputShape: number[];
  params: number;
}

export interface ModelCard {
  version: 1;
  /** Folder name under public/models/, e.g. 'mnist-cnn'. */
  name: string;
  title: string;
  description: string;
  architecture: { kind: 'sequential' | 'functional'; params: number; layers: CardLayer[]; summary: string };
  /** [height, width, channels]. */
  inputShape: [number, number, number];
  classNames: string[];
  training: {
    seed: number;
    data: string;
    trainCount: number;
    epochs: number;
    batchSize: number;
    optimizer: string;
    backend: string;
    seconds: number;
    finalLoss: number;
  };
  evaluation: {
    /** The bundled test set the accuracies are measured on. */
    testSet: BundledDatasetName;
    /** Images used for the clean accuracy (the first `cleanCount` of the test set). */
    cleanCount: number;
    /** Images used for each corruption accuracy (the first `corruptionCount` of the test set). */
    corruptionCount: number;
    severity: number;
    corruptionSeed: number;
  };
  /** Accuracy in [0, 1] on the clean test images. */
  cleanAccuracy: number;
  /** Accuracy in [0, 1] under each corruption at `evaluation.severity`. */
  corruptionAccuracy: Partial<Record<CorruptionName, number>>;
  /** The corruption with the lowest accuracy: the natural first repair target. */
  worstCorruption: { name: CorruptionName; accuracy: number; drop: number };
  files: { model: string; weightBytes: number };
}

/** The corruption with the lowest accuracy, and its drop from `clean` (in [0, 1]). */
export function findWorstCorruption(accuracies: Partial<Record<CorruptionName, number>>, clean: number): ModelCard['worstCorruption'] {
  const entries = Object.entries(accuracies) as [CorruptionName, number][];
  if (entries.length === 0) throw new RangeError('findWorstCorruption: no corruption accuracies');
  const [name, accuracy] = entries.reduce((worst, e) => (e[1] < worst[1] ? e : worst));
  return { name, accuracy, drop: clean - accuracy };
}

/** Parses and sanity-checks a card.json (version, accuracies in [0, 1], worst corruption listed). */
export function parseModelCard(text: string, file = 'card.json'): ModelCard {
  let card: ModelCard;
  try {
    card = JSON.parse(text) as ModelCard;
  } catch (err) {
    throw new LabError(`${file} is not valid JSON (${(err as Error).message}).`, { file, field: 'json', fix: 'Regenerate the card with `npm run train-demos`.' });
  }
  const inRange = (v: unknown): boolean => typeof v === 'number' && v >= 0 && v <= 1;
  const fail = (field: string, what: string): never => {
    throw new LabError(`${file}: ${what}.`, { file, field, fix: 'Regenerate the card with `npm run train-demos`.' });
  };
  if (card.version !== 1) fail('version', `unknown card version ${String(card.version)}`);
  if (!inRange(card.cleanAccuracy)) fail('cleanAccuracy', 'clean accuracy must be a number in [0, 1]');
  if (!Object.values(card.corruptionAccuracy ?? {}).every(inRange)) fail('corruptionAccuracy', 'every corruption accuracy must be in [0, 1]');
  if (!card.worstCorruption || !(card.worstCorruption.name in card.corruptionAccuracy)) fail('worstCorruption', 'the worst corruption must be one of the measured ones');
  return card;
}

/**
 * A lesson in the URL, so a teacher can share one link: one declarative list of parameters
 * (TensorFlow Playground's State.PROPS idea) drives reading and writing both ways.
 */
import type { LessonSettings } from '../../worker/lab-types';
import { WORKSHOP_DEFAULTS } from '../../core/repair/config';
import { LANG_PARAM } from '../i18n/pick-locale';

/** The lesson plus which model and dataset it uses; the drift set fields always present ('' / 0: the drift is the corruption). */
export interface Lesson extends LessonSettings {
  model: string;
  dataset: string;
  cleanBound: number;
  robustnessGuard: boolean;
  driftName: string;
  driftCount: number;
  driftHash: string;
}

/** The engine's workshop defaults (WORKSHOP_REPAIR_CONFIG); the card's worst corruption replaces the default corruption when the URL names none. */
export const DEFAULT_LESSON: Lesson = {
  model: 'mnist-cnn',
  dataset: '',
  seed: WORKSHOP_DEFAULTS.seed,
  corruption: WORKSHOP_DEFAULTS.corruption,
  severity: WORKSHOP_DEFAULTS.severity,
  workingSize: WORKSHOP_DEFAULTS.workingSize,
  failureCap: WORKSHOP_DEFAULTS.failureCap,
  preset: WORKSHOP_DEFAULTS.search.preset,
  epochs: WORKSHOP_DEFAULTS.search.epochs,
  finetuneEpochs: WORKSHOP_DEFAULTS.finetune.epochs,
  batchSize: WORKSHOP_DEFAULTS.search.batchSize,
  includeSuite: true,
  cleanBound: 100 * WORKSHOP_DEFAULTS.cleanTolerance,
  robustnessGuard: WORKSHOP_DEFAULTS.robustnessGuard,
  driftName: '',
  driftCount: 0,
  driftHash: '',
};

/**
 * Default batch size per backend when the URL names none: GPUs keep busy with larger batches,
 * while wasm and cpu pay per example and answer the UI sooner with smaller ones.
 */
export const BATCH_BY_BACKEND: Readonly<Record<string, number>> = { webgpu: 64, webgl: 64, wasm: 32, cpu: 16 };

/** The lesson's batch size for `backend`, unless the URL fixed it. */
export function batchSizeFor(backend: string, lesson: Lesson, given: ReadonlySet<keyof Lesson>): number {
  return given.has('batchSize') ? lesson.batchSize : (BATCH_BY_BACKEND[backend] ?? lesson.batchSize);
}

type Kind = 'string' | 'int' | 'number' | 'bool';
interface Param {
  key: keyof Lesson;
  /** Short name in the query string. */
  name: string;
  kind: Kind;
  min?: number;
  max?: number;
  values?: readonly string[];
  /** Written only when this other setting is non-empty (the drift set's count and hash go with its name). */
  onlyWith?: keyof Lesson;
}

/** Every shareable setting, once. */
export const LESSON_PARAMS: readonly Param[] = [
  { key: 'model', name: 'model', kind: 'string' },
  { key: 'dataset', name: 'dataset', kind: 'string' },
  { key: 'corruption', name: 'corruption', kind: 'string' },
  { key: 'severity', name: 'severity', kind: 'int', min: 1, max: 5 },
  { key: 'seed', name: 'seed', kind: 'int', min: 0, max: 2 ** 31 - 1 },
  { key: 'workingSize', name: 'working', kind: 'int', min: 20, max: 100000 },
  { key: 'failureCap', name: 'failures', kind: 'int', min: 2, max: 100000 },
  { key: 'preset', name: 'preset', kind: 'string', values: ['paper', 'lite'] },
  { key: 'epochs', name: 'epochs', kind: 'int', min: 1, max: 500 },
  { key: 'finetuneEpochs', name: 'finetune', kind: 'int', min: 0, max: 500 },
  { key: 'batchSize', name: 'batch', kind: 'int', min: 2, max: 512 },
  { key: 'includeSuite', name: 'suite', kind: 'bool' },
  { key: 'cleanBound', name: 'clean-bound', kind: 'number', min: 0, max: 100 },
  { key: 'robustnessGuard', name: 'guard', kind: 'bool' },
  // The user's own drift set: the link names it (the images stay on the user's machine).
  { key: 'driftName', name: 'drift', kind: 'string' },
  { key: 'driftCount', name: 'drift-count', kind: 'int', min: 1, max: 10_000_000, onlyWith: 'driftName' },
  { key: 'driftHash', name: 'drift-hash', kind: 'string', onlyWith: 'driftName' },
];

/** The lesson in `search` (a location.search string), defaults for what is missing or out of range; also which keys were given. */
export function readLesson(search: string): { lesson: Lesson; given: Set<keyof Lesson> } {
  const params = new URLSearchParams(search);
  const lesson: Lesson = { ...DEFAULT_LESSON };
  const given = new Set<keyof Lesson>();
  const target = lesson as unknown as Record<string, string | number | boolean>;
  for (const p of LESSON_PARAMS) {
    const raw = params.get(p.name);
    if (raw === null || raw === '') continue;
    if (p.kind === 'int' || p.kind === 'number') {
      const v = Number(raw);
      if (!Number.isFinite(v) || (p.kind === 'int' && !Number.isInteger(v)) || v < (p.min ?? -Infinity) || v > (p.max ?? Infinity)) continue;
      target[p.key] = v;
    } else if (p.kind === 'bool') {
      target[p.key] = raw === '1' || raw === 'true';
    } else {
      if (p.values && !p.values.includes(raw)) continue;
      target[p.key] = raw;
    }
    given.add(p.key);
  }
  return { lesson, given };
}

/**
 * `url` with the whole lesson written into its query (other parameters, e.g. backend, kept), and
 * the UI language as `lang` when given. The language is not part of `Lesson`: the lesson's
 * settings go to the engine and into sessions, while the language belongs to whoever reads the page.
 */
export function writeLesson(url: URL, lesson: Lesson, lang?: string): URL {
  const out = new URL(url);
  if (lang) out.searchParams.set(LANG_PARAM, lang);
  for (const p of LESSON_PARAMS) {
    const v = lesson[p.key];
    if (v === '' || (p.onlyWith && !lesson[p.onlyWith])) out.searchParams.delete(p.name);
    else out.searchParams.set(p.name, p.kind === 'bool' ? (v ? '1' : '0') : String(v));
  }
  return out;
}

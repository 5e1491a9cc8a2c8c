import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { LabError } from '../../../../src/core/errors';
import { disposeModel, loadValidatedModel } from '../../../../src/core/model/load';
import { readModelFolder } from '../../../../src/core/model/load-folder';
import { validateModelFiles, type ModelFile } from '../../../../src/core/model/validate';
import { createRng, type Rng } from '../../../../src/core/random';
import { modelFiles } from './files';
import { nested, plainCnn, randomizeWeights, resnet } from './fixtures';

type JsonValue = null | boolean | number | string | JsonValue[] | { [k: string]: JsonValue };
type Mutation = (files: ModelFile[], rng: Rng) => ModelFile[];

const CASES_PER_MUTATION = 40;
const CASE_TIMEOUT_MS = 5000;
const DEMO_DIR = 'public/models';

const decode = (b: Uint8Array): string => new TextDecoder().decode(b);
const encode = (s: string): Uint8Array => new TextEncoder().encode(s);
const isJson = (f: ModelFile): boolean => f.name.endsWith('model.json');
const pick = <T>(items: readonly T[], rng: Rng): T => items[rng.int(items.length)];

/** Every [container, key] in a JSON tree, so a mutation can hit any field at any depth. */
function slots(root: JsonValue): [JsonValue[] | { [k: string]: JsonValue }, string | number][] {
  const out: [JsonValue[] | { [k: string]: JsonValue }, string | number][] = [];
  const walk = (v: JsonValue): void => {
    if (Array.isArray(v)) v.forEach((c, i) => (out.push([v, i]), walk(c)));
    else if (v !== null && typeof v === 'object') Object.entries(v).forEach(([k, c]) => (out.push([v, k]), walk(c)));
  };
  walk(root);
  return out;
}

function editJson(files: ModelFile[], edit: (json: JsonValue) => void): ModelFile[] {
  return files.map((f) => {
    if (!isJson(f)) return f;
    const json = JSON.parse(decode(f.bytes)) as JsonValue;
    edit(json);
    return { name: f.name, bytes: encode(JSON.stringify(json)) };
  });
}

function editShard(files: ModelFile[], rng: Rng, edit: (bytes: Uint8Array) => Uint8Array): ModelFile[] {
  const shards = files.filter((f) => f.name.endsWith('.bin'));
  const target = pick(shards, rng);
  return files.map((f) => (f === target ? { name: f.name, bytes: edit(f.bytes.slice()) } : f));
}

const ODD_VALUES: JsonValue[] = ['', 'x', 'same', -1, 0, 1e9, 2.5, null, true, [], {}, [1, 2], [0, 0], { class_name: 'X' }, 'float16'];

const MUTATIONS: Record<string, Mutation> = {
  truncateJson: (files, rng) => files.map((f) => (isJson(f) ? { name: f.name, bytes: f.bytes.slice(0, rng.int(f.bytes.length)) } : f)),
  truncateShard: (files, rng) => editShard(files, rng, (b) => b.slice(0, rng.int(b.length))),
  deleteField: (files, rng) =>
    editJson(files, (json) => {
      const [container, key] = pick(slots(json), rng);
      if (Array.isArray(container)) container.splice(key as number, 1);
      else delete container[key as string];
    }),
  wrongType: (files, rng) =>
    editJson(files, (json) => {
      const [container, key] = pick(slots(json), rng);
      (container as Record<string | number, JsonValue>)[key] = pick(ODD_VALUES, rng);
    }),
  flipShardBytes: (files, rng) =>
    editShard(files, rng, (b) => {
      for (let i = 0, n = 1 + rng.int(8); i < n; i++) b[rng.int(b.length)] ^= 1 << rng.int(8);
      return b;
    }),
  nanWeights: (files, rng) =>
    editShard(files, rng, (b) => {
      const floats = new Float32Array(b.buffer, 0, Math.floor(b.length / 4));
      floats[rng.int(floats.length)] = pick([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY], rng);
      return b;
    }),
  flipJsonChars: (files, rng) =>
    files.map((f) => {
      if (!isJson(f)) return f;
      const b = f.bytes.slice();
      for (let i = 0, n = 1 + rng.int(3); i < n; i++) b[rng.int(b.length)] = 32 + rng.int(95);
      return { name: f.name, bytes: b };
    }),
  fileSet: (files, rng) => {
    const victim = pick(files, rng);
    const choice = rng.int(4);
    if (choice === 0) return files.filter((f) => f !== victim);
    if (choice === 1) return [...files, { ...victim }];
    if (choice === 2) return [...files, { name: 'stray.bin', bytes: new Uint8Array(rng.int(64)) }];
    return files.map((f) => (f === victim ? { name: `renamed-${f.name}`, bytes: f.bytes } : f));
  },
};

type Outcome = 'loaded' | 'refused';

/** Validates, loads and runs one prediction; anything but success or a LabError is a failure. */
async function runCase(files: ModelFile[]): Promise<Outcome> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${CASE_TIMEOUT_MS} ms`)), CASE_TIMEOUT_MS);
  });
  const attempt = (async (): Promise<Outcome> => {
    try {
      const validated = validateModelFiles(files, { ignoreExtraFiles: files.some((f) => f.name === 'card.json') });
      const model = await loadValidatedModel(validated, CASE_TIMEOUT_MS);
      const y = tf.tidy(() => model.predict(tf.zeros([1, ...validated.inputShape])) as tf.Tensor);
      await y.data();
      y.dispose();
      disposeModel(model);
      return 'loaded';
    } catch (err) {
      if (err instanceof LabError) return 'refused';
      throw err;
    }
  })();
  try {
    return await Promise.race([attempt, hang]);
  } finally {
    clearTimeout(timer);
  }
}

const bases = new Map<string, ModelFile[]>();

beforeAll(async () => {
  await tf.setBackend('cpu');
  const metadata = { name: 'metadata.json', bytes: encode(JSON.stringify({ labels: ['a', 'b', 'c'], modelName: 'tm' })) };
  const models: [string, tf.LayersModel, number, ModelFile[]][] = [
    ['plainCnn', randomizeWeights(plainCnn(), 1), 1, []],
    ['resnet', randomizeWeights(resnet(), 2), 3, []],
    ['nested', randomizeWeights(nested(), 3), 2, [metadata]],
  ];
  for (const [name, model, shards, extra] of models) {
    bases.set(name, [...(await modelFiles(model, shards)), ...extra]);
    model.dispose();
  }
  // Demo models join the corpus once they exist (another engineer trains them into public/models).
  if (existsSync(DEMO_DIR)) {
    for (const demo of readdirSync(DEMO_DIR)) {
      if (existsSync(join(DEMO_DIR, demo, 'model.json'))) bases.set(`demo:${demo}`, await readModelFolder(join(DEMO_DIR, demo)));
    }
  }
});

describe('fuzzed model files', () => {
  it('the unbroken bases load', async () => {
    for (const [name, files] of bases) expect(await runCase(files), name).toBe('loaded');
  });

  it('every broken variant ends in a loaded model or a LabError, without hanging', async () => {
    const outcomes: Record<Outcome, number> = { loaded: 0, refused: 0 };
    const failures: string[] = [];
    const tensorsBefore = tf.memory().numTensors;
    let seed = 0;
    for (const [mutationName, mutate] of Object.entries(MUTATIONS)) {
      for (let i = 0; i < CASES_PER_MUTATION; i++) {
        const rng = createRng(1000 + seed++);
        const [baseName, files] = pick([...bases], rng);
        try {
          outcomes[await runCase(mutate(files, rng))]++;
        } catch (err) {
          failures.push(`${mutationName} #${i} on ${baseName} (seed ${999 + seed}): ${(err as Error).message.split('\n')[0]}`);
        }
      }
    }
    expect(failures).toEqual([]);
    expect(outcomes.loaded + outcomes.refused).toBeGreaterThanOrEqual(200);
    expect(outcomes.refused).toBeGreaterThan(100);
    expect(outcomes.loaded).toBeGreaterThan(0);
    expect(tf.memory().numTensors).toBe(tensorsBefore);
  }, 120_000);
});

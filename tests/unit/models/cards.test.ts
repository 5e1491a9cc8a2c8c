import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { loadBundledDataset } from '../../../src/core/data/bundled';
import { CORRUPTION_NAMES } from '../../../src/core/data/corruptions';
import { subset } from '../../../src/core/data/dataset';
import { parseModelCard } from '../../../src/core/data/model-card';
import { readPublicData } from '../../../src/core/data/node-source';
import { DEFAULT_DATA_DIR, prepareData } from '../../../scripts/prepare-data';
import { DEMO_MODEL_NAMES } from '../../../scripts/demo-zoo/architectures';
import { accuracy } from '../../../scripts/demo-zoo/evaluate';
import { loadModelFromDir } from '../../../scripts/demo-zoo/model-files';

const MODELS_DIR = 'public/models';

beforeAll(async () => {
  // Forward passes only; wasm evaluates 10 000 images in seconds where the cpu backend needs minutes.
  expect(await tf.setBackend('wasm')).toBe(true);
  await prepareData(DEFAULT_DATA_DIR);
});

describe('demo model zoo: committed weights match their cards', () => {
  it('lists every demo model in public/models/index.json', async () => {
    const index = JSON.parse(await readFile(join(MODELS_DIR, 'index.json'), 'utf8')) as { models: { name: string; path: string }[] };
    expect(index.models.map((m) => m.name)).toEqual([...DEMO_MODEL_NAMES]);
  });

  for (const name of DEMO_MODEL_NAMES) {
    it(`${name}: clean test accuracy within ±0.5 points of the card, card consistent, files small`, async () => {
      const dir = join(MODELS_DIR, name);
      const card = parseModelCard(await readFile(join(dir, 'card.json'), 'utf8'), `${name}/card.json`);
      expect(card.name).toBe(name);
      const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8')) as { format: string; weightsManifest: { paths: string[] }[] };
      expect(json.format).toBe('layers-model');
      let bytes = (await stat(join(dir, 'model.json'))).size;
      for (const p of json.weightsManifest.flatMap((g) => g.paths)) bytes += (await stat(join(dir, p))).size;
      expect(bytes).toBeLessThan(1_000_000);

      const before = tf.memory().numTensors;
      const model = await loadModelFromDir(join(dir, 'model.json'));
      expect(model.inputs[0].shape).toEqual([null, ...card.inputShape]);
      const test = await loadBundledDataset(card.evaluation.testSet, readPublicData(DEFAULT_DATA_DIR));
      const clean = card.evaluation.cleanCount === test.count ? test : subset(test, Array.from({ length: card.evaluation.cleanCount }, (_, i) => i));
      const measured = await accuracy(model, clean);
      model.dispose();
      expect(tf.memory().numTensors).toBe(before);
      expect(Math.abs(measured - card.cleanAccuracy) * 100, `measured ${measured}, card ${card.cleanAccuracy}`).toBeLessThanOrEqual(0.5);

      expect(Object.keys(card.corruptionAccuracy).sort()).toEqual([...CORRUPTION_NAMES].sort());
      const lowest = Math.min(...Object.values(card.corruptionAccuracy));
      expect(card.worstCorruption.accuracy).toBe(lowest);
      expect(card.worstCorruption.drop).toBeCloseTo(card.cleanAccuracy - lowest, 10);
    });
  }
});

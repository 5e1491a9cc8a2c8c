import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { subset, type Dataset } from '../../../../src/core/data/dataset';
import { backwardSpectrum } from '../../../../src/core/localize/gradient';
import { instrumentLayersModel, type InstrumentedModel } from '../../../../src/core/localize/instrumented';
import { CONTRAST_EPSILON, contrastiveBackward, gradientContrast } from '../../../../src/core/localize/relative-gradient';
import { brokenBlockModel, speckData } from './fixtures';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Failing (specks) and passing (bright and dark) examples of speckData(bright, dark, specks). */
function split(ds: Dataset, bright: number, dark: number): { failing: Dataset; passing: Dataset } {
  const passingCount = bright + dark;
  return {
    passing: subset(ds, Array.from({ length: passingCount }, (_, i) => i)),
    failing: subset(ds, Array.from({ length: ds.count - passingCount }, (_, i) => passingCount + i)),
  };
}

async function outputs(model: InstrumentedModel, ds: Dataset): Promise<Float32Array> {
  const out = tf.tidy(() => model.predict(tf.tensor4d(ds.images, [ds.count, ds.height, ds.width, ds.channels])));
  const values = (await out.data()) as Float32Array;
  out.dispose();
  return values;
}

/** Multiplies every variable of `vars` by `factor`. */
function scale(vars: readonly tf.Variable[], factor: number): void {
  for (const v of vars) tf.tidy(() => v.assign(tf.mul(v, factor)));
}

describe('gradientContrast', () => {
  it('is the failing/passing ratio, unchanged by a common factor, bounded by 1/ε and 0 without failing gradient', () => {
    expect(gradientContrast(6, 2)).toBeCloseTo(3, 4);
    for (const c of [1e-4, 0.3, 7, 1e5]) expect(gradientContrast(6 * c, 2 * c)).toBeCloseTo(gradientContrast(6, 2), 9);
    expect(gradientContrast(5, 0)).toBeCloseTo(1 / CONTRAST_EPSILON, 3);
    expect(gradientContrast(5e-9, 0)).toBeCloseTo(1 / CONTRAST_EPSILON, 3);
    expect(gradientContrast(0, 0)).toBe(0);
    expect(gradientContrast(0, 3)).toBe(0);
  });
});

describe('contrastive backward term', () => {
  it('does not move when a block is rescaled in a way that keeps the function', async () => {
    const { model, graph } = brokenBlockModel('rescale');
    const inst = instrumentLayersModel(model, graph);
    const ds = speckData(8, 8, 6, 3);
    const { failing, passing } = split(ds, 8, 8);
    const before = tf.memory().numTensors;
    const original = await contrastiveBackward(inst, failing, passing, 1);
    const legacyBefore = await backwardSpectrum(inst, failing, 1);
    const outputsBefore = await outputs(inst, ds);

    // relu(c·z) = c·relu(z): block 0 (kernel and bias) × c and block 1's kernel ÷ c is the same function.
    const c = 0.1;
    scale(inst.blockWeights(0), c);
    scale([inst.blockWeights(1)[0]], 1 / c);
    const outputsAfter = await outputs(inst, ds);
    outputsAfter.forEach((v, i) => expect(v).toBeCloseTo(outputsBefore[i], 3));

    const rescaled = await contrastiveBackward(inst, failing, passing, 1);
    rescaled.blockScores.forEach((g, k) => expect(Math.abs(g - original.blockScores[k])).toBeLessThan(1e-4 * original.blockScores[k]));
    // The raw terms did move: block 0's relative gradient norm by 1/c², the legacy ‖∇W‖₁/|W| by 1/c.
    expect(rescaled.failingRelativeNorm[0] / original.failingRelativeNorm[0]).toBeCloseTo(1 / c ** 2, 0);
    const legacyAfter = await backwardSpectrum(inst, failing, 1);
    expect(legacyAfter[0] / legacyBefore[0]).toBeCloseTo(1 / c, 1);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('ranks a block whose gradient is large only on failing runs above one whose gradient is large on both', async () => {
    const { model, graph } = brokenBlockModel('contrast');
    const inst = instrumentLayersModel(model, graph);
    const ds = speckData(10, 10, 8, 4);
    const { failing, passing } = split(ds, 10, 10);
    const { blockScores, failingRelativeNorm: onF, passingRelativeNorm: onP } = await contrastiveBackward(inst, failing, passing, 1);
    // Block 1 (large input, small weights after it) has the larger relative gradients on failing
    // AND on passing runs; block 0's are small on passing runs, so they are failure-specific.
    expect(onF[1]).toBeGreaterThan(onF[0]);
    expect(onP[1]).toBeGreaterThan(onP[0]);
    expect(onF[0] / onP[0]).toBeGreaterThan(2 * (onF[1] / onP[1]));
    expect(blockScores[0]).toBeGreaterThan(blockScores[1]);
    // A failing-only term ranks them the other way round.
    const legacy = await backwardSpectrum(inst, failing, 1);
    expect(legacy[1]).toBeGreaterThan(legacy[0]);
    model.dispose();
  });

  it('larger groups take the gradient of each group mean loss, and the term stays finite', async () => {
    const { model, graph } = brokenBlockModel('contrastgroup');
    const inst = instrumentLayersModel(model, graph);
    const { failing, passing } = split(speckData(6, 6, 6, 5), 6, 6);
    const exact = await contrastiveBackward(inst, failing, passing, 1);
    const grouped = await contrastiveBackward(inst, failing, passing, 64);
    // A group's gradient norm is at most the mean of its examples' norms (triangle inequality).
    grouped.failingRelativeNorm.forEach((v, k) => expect(v).toBeLessThanOrEqual(exact.failingRelativeNorm[k] + 1e-6));
    grouped.passingRelativeNorm.forEach((v, k) => expect(v).toBeLessThanOrEqual(exact.passingRelativeNorm[k] + 1e-6));
    expect(grouped.blockScores.every((g) => Number.isFinite(g) && g > 0)).toBe(true);
    // No passing run: every tensor's contrast is 1/ε.
    const alone = await contrastiveBackward(inst, failing, subset(passing, []), 1);
    alone.blockScores.forEach((g) => expect(g).toBeCloseTo(1 / CONTRAST_EPSILON, 0));
    model.dispose();
  });
});

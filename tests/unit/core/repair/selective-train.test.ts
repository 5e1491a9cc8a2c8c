import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { scoreCandidate, trainWithSelection, type ValidationData } from '../../../../src/core/repair/selective-train';
import { CANDIDATE_MIXES, CLEAN_TOLERANCE, chosenCandidate, harmsRobustness, isChosen } from '../../../../src/core/repair/selection';
import { guardHarm, correctnessOf } from '../../../../src/core/repair/selective-train';
import type { Split } from '../../../../src/core/search/batches';
import type { LogitsFn } from '../../../../src/core/repair/train';

/**
 * A one-parameter "model": logits [b − x, 0] for an input x, so it predicts class 0 exactly when
 * b > x. Clean images (label 1) have x spread over [0.1, 10]: raising b costs clean accuracy
 * gradually. Drifted images (label 0) have x in [0, 1]: raising b repairs them gradually.
 */
function thresholds(from: number, to: number, n: number, label: number, isFailure?: boolean): Split {
  const inputs = Float32Array.from({ length: n }, (_, i) => from + ((to - from) * (i + 0.5)) / n);
  return { inputs, shape: [n, 1, 1, 1], labels: new Int32Array(n).fill(label), ...(isFailure ? { isFailure: new Uint8Array(n).fill(1) } : {}) };
}

describe('training with do-no-harm selection over epochs and blends', () => {
  it('scores every epoch at every mix, keeps a blend when the whole epoch breaks the clean bound, and leaves exactly that candidate in the state', async () => {
    const b = tf.variable(tf.scalar(0));
    const forward: LogitsFn = (x) => tf.tidy(() => tf.concat([tf.sub(b, x.reshape([-1, 1])), tf.zeros([x.shape[0], 1])], 1));
    const validation: ValidationData = { clean: thresholds(0.1, 10, 1000, 1), drift: thresholds(0, 1, 1000, 0) };
    const original = await scoreCandidate(forward, validation, 0);
    expect(original).toMatchObject({ clean: 1, drift: 0 });
    const epochs = 3;
    const { selection } = await trainWithSelection({
      forward,
      variables: [b],
      state: [b],
      train: thresholds(0, 1, 100, 0, true),
      validation,
      original,
      cleanTolerance: CLEAN_TOLERANCE,
      settings: { epochs, batchSize: 50, learningRate: 0.2, seed: 1, distillWeight: 0 },
      phase: 'test',
    });
    expect(selection.candidates.map((c) => [c.epoch, c.mix])).toEqual(Array.from({ length: epochs }, (_, e) => CANDIDATE_MIXES.map((m) => [e + 1, m])).flat());
    // Blending moves b along the line from its start: drift accuracy rises and clean falls with the mix.
    const first = selection.candidates.filter((c) => c.epoch === 1);
    for (let i = 1; i < first.length; i++) {
      expect(first[i].drift).toBeGreaterThan(first[i - 1].drift);
      expect(first[i].clean).toBeLessThanOrEqual(first[i - 1].clean);
    }
    // Every whole epoch overshoots the 0.5-point clean bound; a blend repairs within it.
    expect(selection.candidates.filter((c) => c.mix === 1).every((c) => c.clean < original.clean - selection.tolerance)).toBe(true);
    expect(selection.verdict).toBe('repaired');
    expect(selection.chosenMix).toBeLessThan(1);
    const kept = chosenCandidate(selection);
    expect(isChosen(selection, kept)).toBe(true);
    expect(selection.candidates.filter((c) => isChosen(selection, c))).toHaveLength(1);
    expect(kept.clean).toBeGreaterThanOrEqual(original.clean - selection.tolerance);
    const within = selection.candidates.filter((c) => c.clean >= original.clean - selection.tolerance);
    expect(kept.drift).toBe(Math.max(...within.map((c) => c.drift)));
    // The state is the kept blend, not the last epoch.
    const now = await scoreCandidate(forward, validation, 0);
    expect([now.clean, now.drift]).toEqual([kept.clean, kept.drift]);
    b.dispose();
  });

  it('scores the validation images through imageForward when the trained part takes block inputs, and says how many clean images it read', async () => {
    const b = tf.variable(tf.scalar(0));
    // The trained part sees block inputs h = 2x (a frozen prefix that doubles the image).
    const forward: LogitsFn = (h) => tf.tidy(() => tf.concat([tf.sub(b, h.reshape([-1, 1])), tf.zeros([h.shape[0], 1])], 1));
    const imageForward: LogitsFn = (x, training) => forward(tf.mul(x, 2) as tf.Tensor4D, training);
    const validation: ValidationData = { clean: thresholds(0.1, 10, 1000, 1), drift: thresholds(0, 1, 1000, 0) };
    const original = await scoreCandidate(imageForward, validation, 0);
    const { selection } = await trainWithSelection({
      forward,
      imageForward,
      variables: [b],
      state: [b],
      train: thresholds(0, 2, 100, 0, true),
      validation,
      original,
      cleanTolerance: 1,
      settings: { epochs: 1, batchSize: 50, learningRate: 0.5, seed: 1, distillWeight: 0 },
      phase: 'test',
    });
    expect(selection.cleanImages).toBe(1000);
    const kept = chosenCandidate(selection);
    expect(selection.verdict).toBe('repaired');
    const throughPrefix = await scoreCandidate(imageForward, validation, 0);
    const onImages = await scoreCandidate(forward, validation, 0);
    expect([throughPrefix.clean, throughPrefix.drift]).toEqual([kept.clean, kept.drift]);
    expect(onImages.drift).not.toBe(kept.drift);
    b.dispose();
  });

  it('applies the bound it is given: loosened to 100 points, the candidate with the highest drifted accuracy wins whatever it costs on clean', async () => {
    const b = tf.variable(tf.scalar(0));
    const forward: LogitsFn = (x) => tf.tidy(() => tf.concat([tf.sub(b, x.reshape([-1, 1])), tf.zeros([x.shape[0], 1])], 1));
    const validation: ValidationData = { clean: thresholds(0.1, 10, 1000, 1), drift: thresholds(0, 1, 1000, 0) };
    const original = await scoreCandidate(forward, validation, 0);
    const { selection } = await trainWithSelection({ forward, variables: [b], state: [b], train: thresholds(0, 1, 100, 0, true), validation, original, cleanTolerance: 1, settings: { epochs: 3, batchSize: 50, learningRate: 0.2, seed: 1, distillWeight: 0 }, phase: 'test' });
    expect(selection.tolerance).toBe(1);
    const kept = chosenCandidate(selection);
    expect(kept.drift).toBe(Math.max(...selection.candidates.map((c) => c.drift)));
    expect(kept.clean).toBeLessThan(original.clean - CLEAN_TOLERANCE);
    b.dispose();
  });

  it('returns the state to the start when no candidate keeps clean accuracy', async () => {
    const b = tf.variable(tf.scalar(0));
    const forward: LogitsFn = (x) => tf.tidy(() => tf.concat([tf.sub(b, x.reshape([-1, 1])), tf.zeros([x.shape[0], 1])], 1));
    // Clean images sit right at the start, so any move of b breaks them.
    const validation: ValidationData = { clean: thresholds(0.001, 0.1, 1000, 1), drift: thresholds(0, 1, 1000, 0) };
    const original = await scoreCandidate(forward, validation, 0);
    const { selection } = await trainWithSelection({ forward, variables: [b], state: [b], train: thresholds(0, 1, 100, 0, true), validation, original, cleanTolerance: CLEAN_TOLERANCE, settings: { epochs: 2, batchSize: 50, learningRate: 0.5, seed: 1, distillWeight: 0 }, phase: 'test' });
    expect(selection.verdict).toBe('no-repair');
    expect(selection.chosenMix).toBe(1);
    expect(chosenCandidate(selection)).toBe(selection.original);
    expect(b.dataSync()[0]).toBe(0);
    b.dispose();
  });

  it('with a robustness guard, keeps the best candidate that does not clearly harm the guard set, and only checks candidates that could win', async () => {
    const b = tf.variable(tf.scalar(0));
    const forward: LogitsFn = (x) => tf.tidy(() => tf.concat([tf.sub(b, x.reshape([-1, 1])), tf.zeros([x.shape[0], 1])], 1));
    const run = async (withGuard: boolean) => {
      b.assign(tf.scalar(0));
      // Clean images spread wide (cheap to keep), the guard's images (label 1) sit at 0.1–2: raising b past 0.1 breaks them fast.
      const validation: ValidationData = { clean: thresholds(0.1, 50, 2000, 1), drift: thresholds(0, 1, 1000, 0) };
      if (withGuard) {
        const images = thresholds(0.1, 2, 1000, 1);
        validation.guard = [{ label: 'other', images, originalCorrect: await correctnessOf(forward, images) }];
      }
      const original = await scoreCandidate(forward, validation, 0);
      const result = await trainWithSelection({ forward, variables: [b], state: [b], train: thresholds(0, 1, 100, 0, true), validation, original, cleanTolerance: CLEAN_TOLERANCE, settings: { epochs: 3, batchSize: 50, learningRate: 0.2, seed: 1, distillWeight: 0 }, phase: 'test' });
      return { ...result, validation, after: b.dataSync()[0] };
    };
    const free = await run(false);
    const guarded = await run(true);
    const freeKept = chosenCandidate(free.selection);
    const kept = chosenCandidate(guarded.selection);
    expect(free.selection.candidates.every((c) => c.harm === undefined)).toBe(true);
    expect(guarded.selection.verdict).toBe('repaired');
    expect(kept.drift).toBeLessThan(freeKept.drift);
    expect(kept.harm).toBeDefined();
    expect(harmsRobustness(kept)).toBe(false);
    // Everything with a better drift that keeps clean accuracy was checked and found harmful.
    const better = guarded.selection.candidates.filter((c) => c.drift > kept.drift && c.clean - (c.cleanSE ?? 0) >= guarded.selection.original.clean - CLEAN_TOLERANCE);
    expect(better.length).toBeGreaterThan(0);
    expect(better.every((c) => harmsRobustness(c))).toBe(true);
    // The state is the kept candidate: its guard finding is reproduced from the variables.
    const again = await guardHarm(forward, guarded.validation.guard!);
    expect(again?.drop).toBeCloseTo(kept.harm!.drop, 6);
    b.dispose();
  });

  it('the guard stops at the first harmful set, tried from the one named first, and checks every set of a harmless candidate', async () => {
    let passes = 0;
    // Always predicts class 1: right on sets labelled 1, wrong on sets labelled 0.
    const forward: LogitsFn = (x) => {
      passes++;
      return tf.tidy(() => tf.concat([tf.zeros([x.shape[0], 1]), tf.ones([x.shape[0], 1])], 1));
    };
    const set = (label: string, cls: number) => ({ label, images: thresholds(0, 1, 10, cls), originalCorrect: new Uint8Array(10).fill(1) });
    const guard = [set('fog', 1), set('brightness', 0), set('contrast', 0), set('blur', 1)];
    const found = await guardHarm(forward, guard);
    expect(found).toMatchObject({ label: 'brightness', drop: 1 });
    expect(passes).toBe(2);
    passes = 0;
    expect((await guardHarm(forward, guard, 'contrast'))?.label).toBe('contrast');
    expect(passes).toBe(1);
    passes = 0;
    const harmless = [set('fog', 1), set('blur', 1), set('zoom', 1)];
    expect(harmsRobustness({ harm: await guardHarm(forward, harmless, 'blur') })).toBe(false);
    expect(passes).toBe(3);
  });
});

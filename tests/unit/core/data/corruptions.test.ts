import { describe, expect, it } from 'vitest';
import { CORRUPTION_NAMES, CORRUPTIONS, SEVERITIES, corruptDataset, corruptionGrid, corruptImage, parseCorruptionName, parseSeverity } from '../../../../src/core/data/corruptions';
import { LabError } from '../../../../src/core/errors';
import type { Dataset } from '../../../../src/core/data/dataset';
import { greyDigits, rgbScenes } from './fixtures';

const meanAbsChange = (a: Dataset, b: Dataset): number => {
  let sum = 0;
  for (let i = 0; i < a.images.length; i++) sum += Math.abs(a.images[i] - b.images[i]);
  return sum / a.images.length;
};

const fixtures = { grey: greyDigits(), rgb: rgbScenes() };

describe('corruption suite', () => {
  it('has at least 15 corruptions, all in the table', () => {
    expect(CORRUPTION_NAMES.length).toBeGreaterThanOrEqual(15);
    expect(Object.keys(CORRUPTIONS).sort()).toEqual([...CORRUPTION_NAMES].sort());
  });

  for (const [kind, ds] of Object.entries(fixtures)) {
    describe(`${kind} images`, () => {
      for (const name of CORRUPTION_NAMES) {
        it(`${name}: shape and [0, 1] range kept, deterministic, harsher with severity`, () => {
          const changes = SEVERITIES.map((severity) => {
            const out = corruptDataset(ds, name, severity, 42);
            expect(out.images.length).toBe(ds.images.length);
            expect([out.height, out.width, out.channels, out.count]).toEqual([ds.height, ds.width, ds.channels, ds.count]);
            expect(out.images.every((v) => Number.isFinite(v) && v >= 0 && v <= 1)).toBe(true);
            return meanAbsChange(ds, out);
          });
          expect(changes[0]).toBeGreaterThan(0);
          for (let s = 1; s < changes.length; s++) expect(changes[s], `severity ${s + 1} vs ${s}: ${changes.join(', ')}`).toBeGreaterThan(changes[s - 1]);
          const again = corruptDataset(ds, name, 3, 42);
          expect(Buffer.from(again.images.buffer).equals(Buffer.from(corruptDataset(ds, name, 3, 42).images.buffer))).toBe(true);
          expect(ds.images.every((v) => v >= 0 && v <= 1)).toBe(true);
        });
      }
    });
  }

  it('different seeds give different noise, and the input is never modified', () => {
    const ds = greyDigits(2);
    const before = ds.images.slice();
    const a = corruptDataset(ds, 'gaussian_noise', 2, 1);
    const b = corruptDataset(ds, 'gaussian_noise', 2, 2);
    expect(meanAbsChange(a, b)).toBeGreaterThan(0.01);
    expect(ds.images).toEqual(before);
  });

  it('corruptImage on image n matches corruptDataset (per-image RNG, independent of the rest of the set)', () => {
    const ds = greyDigits(3);
    const size = 28 * 28;
    const full = corruptDataset(ds, 'elastic_transform', 4, 9);
    const one = corruptImage(ds.images.subarray(2 * size, 3 * size), { height: 28, width: 28, channels: 1 }, 'elastic_transform', 4, 9, 2);
    expect(Array.from(one)).toEqual(Array.from(full.images.subarray(2 * size)));
  });

  it('names the corrupted dataset and keeps the labels', () => {
    const ds = { ...greyDigits(2), name: 'mnist-test', labels: Int32Array.from([3, 7]) };
    const out = corruptDataset(ds, 'fog', 3, 0);
    expect(out.name).toBe('mnist-test+fog-3');
    expect(Array.from(out.labels)).toEqual([3, 7]);
    expect(out.provenance).toContain('fog at severity 3');
  });

  it('works on tiny and non-square images', () => {
    for (const name of CORRUPTION_NAMES) {
      const shape = { height: 5, width: 9, channels: 3 };
      const image = Float32Array.from({ length: 5 * 9 * 3 }, (_, i) => (i % 7) / 7);
      const out = corruptImage(image, shape, name, 5, 3);
      expect(out.length, name).toBe(image.length);
      expect(out.every((v) => Number.isFinite(v) && v >= 0 && v <= 1), name).toBe(true);
    }
  });

  it('builds the preview grid: every corruption × severity of one image', () => {
    const ds = rgbScenes(1);
    const grid = corruptionGrid(ds.images, { height: 32, width: 32, channels: 3 }, 5);
    expect(grid).toHaveLength(CORRUPTION_NAMES.length * 5);
    expect(grid[7]).toMatchObject({ name: CORRUPTION_NAMES[1], severity: 3 });
    expect(Array.from(grid[7].image)).toEqual(Array.from(corruptImage(ds.images, { height: 32, width: 32, channels: 3 }, CORRUPTION_NAMES[1], 3, 5)));
  });

  it('rejects unknown names and severities with a LabError that says what to use', () => {
    expect(parseCorruptionName('fog')).toBe('fog');
    expect(() => parseCorruptionName('snow')).toThrow(LabError);
    expect(() => parseCorruptionName('snow')).toThrow(/Unknown corruption "snow"/);
    expect(parseSeverity(5)).toBe(5);
    try {
      parseSeverity(6);
      expect.unreachable();
    } catch (err) {
      expect((err as LabError).field).toBe('severity');
      expect((err as LabError).fix).toMatch(/between 1/);
    }
  });
});

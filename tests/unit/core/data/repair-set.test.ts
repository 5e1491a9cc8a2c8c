import { describe, expect, it } from 'vitest';
import { checkRepairSet, repairSetOptions } from '../../../../src/core/data/repair-set';
import type { Dataset } from '../../../../src/core/data/dataset';

const set = (labels: number[], classNames: string[]): Dataset => ({
  name: 'drifted', images: new Float32Array(labels.length * 4), labels: Int32Array.from(labels), count: labels.length, height: 2, width: 2, channels: 1, classNames, provenance: 'test',
});
const model = { inputShape: [28, 28, 1], numClasses: 4, classNames: ['a', 'b', 'c', 'd'] };

describe('a labelled set for one model\'s repair (CLI --drift and the page\'s drift set alike)', () => {
  it('fits to the model\'s input', () => {
    expect(repairSetOptions(model, 'mine')).toEqual({ name: 'mine', target: [28, 28, 1] });
  });

  it('renumbers labels into the model\'s class order and prefixes the fitting notes', () => {
    const { dataset, notes } = checkRepairSet({ dataset: set([0, 1, 2, 3], ['d', 'c', 'b', 'a']), conversions: ['resized 2×2 → 28×28 (4 images)'] }, model, 'mine', '--drift: ');
    expect(Array.from(dataset.labels)).toEqual([3, 2, 1, 0]);
    expect(notes).toEqual(['--drift: resized 2×2 → 28×28 (4 images)']);
  });

  it('names a label past the model\'s range as the error when classes are only numbered', () => {
    expect(() => checkRepairSet({ dataset: set([0, 1, 7], ['0', '1', '2', '3', '4', '5', '6', '7']), conversions: [] }, { ...model, classNames: null }, 'mine')).toThrow(/holds label 7, but the model outputs 4 classes \(labels 0…3\)/);
  });

  it('refuses other classes than the model\'s, naming the set and the field', () => {
    let error: unknown;
    try {
      checkRepairSet({ dataset: set([0, 1, 2, 3], ['a', 'b', 'c', 'zebra']), conversions: [] }, model, 'mine');
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ name: 'LabError', file: 'mine', field: 'classes' });
    expect((error as Error).message).toMatch(/the set lacks d; the model has no class zebra/);
  });
});

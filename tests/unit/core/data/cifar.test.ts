import { describe, expect, it } from 'vitest';
import { CIFAR10_CLASSES, loadCifarBatches, parseLabelNames } from '../../../../src/core/data/cifar';
import { LabError } from '../../../../src/core/errors';

/** A CIFAR batch with one record per label; pixel value encodes (record, channel, position). */
function batch(labelBytes: number[][]): Uint8Array {
  const record = labelBytes[0].length + 3072;
  const out = new Uint8Array(labelBytes.length * record);
  labelBytes.forEach((lb, r) => {
    out.set(lb, r * record);
    for (let c = 0; c < 3; c++) for (let p = 0; p < 1024; p++) out[r * record + lb.length + c * 1024 + p] = (r * 50 + c * 80 + p) % 256;
  });
  return out;
}

function thrown(fn: () => unknown): LabError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(LabError);
    return err as LabError;
  }
  throw new Error('expected a LabError');
}

describe('CIFAR binary loader', () => {
  it('reads CIFAR-10 records from several files, CHW → HWC, [0, 1]', () => {
    const ds = loadCifarBatches([{ name: 'data_batch_1.bin', bytes: batch([[3], [9]]) }, { name: 'test_batch.bin', bytes: batch([[0]]) }], { name: 'c10', variant: 'cifar10' });
    expect([ds.count, ds.height, ds.width, ds.channels]).toEqual([3, 32, 32, 3]);
    expect(Array.from(ds.labels)).toEqual([3, 9, 0]);
    expect(ds.classNames).toEqual(CIFAR10_CLASSES);
    // Image 1, pixel 5, channel 2 (blue) = (1·50 + 2·80 + 5) mod 256.
    expect(ds.images[(1 * 1024 + 5) * 3 + 2]).toBeCloseTo(215 / 255, 6);
  });

  it('reads CIFAR-100 fine or coarse labels', () => {
    const bytes = batch([
      [4, 77],
      [19, 3],
    ]);
    expect(Array.from(loadCifarBatches([{ name: 'train.bin', bytes }], { name: 'c100', variant: 'cifar100' }).labels)).toEqual([77, 3]);
    const coarse = loadCifarBatches([{ name: 'train.bin', bytes }], { name: 'c100', variant: 'cifar100', labelKind: 'coarse' });
    expect(Array.from(coarse.labels)).toEqual([4, 19]);
    expect(coarse.classNames).toHaveLength(20);
  });

  it('rejects a truncated batch, naming the file and record size', () => {
    const err = thrown(() => loadCifarBatches([{ name: 'data_batch_2.bin', bytes: batch([[1], [2]]).subarray(0, 5000) }], { name: 'x', variant: 'cifar10' }));
    expect(err.file).toBe('data_batch_2.bin');
    expect(err.field).toBe('record size');
    expect(err.message).toMatch(/truncated or not a CIFAR-10 binary batch: 5000 bytes is not a multiple of the 3073-byte record/);
  });

  it('says when a CIFAR-100 file was loaded as CIFAR-10', () => {
    const err = thrown(() => loadCifarBatches([{ name: 'train.bin', bytes: batch([[1, 2], [3, 4], [5, 6]]) }], { name: 'x', variant: 'cifar10' }));
    expect(err.message).toMatch(/looks like a CIFAR-100 file/);
  });

  it('rejects labels out of range and an empty file list', () => {
    expect(thrown(() => loadCifarBatches([{ name: 'b.bin', bytes: batch([[12]]) }], { name: 'x', variant: 'cifar10' })).message).toMatch(/record 0 has label 12/);
    expect(thrown(() => loadCifarBatches([], { name: 'x', variant: 'cifar10' })).field).toBe('files');
  });

  it('parses label-name files', () => {
    expect(parseLabelNames('airplane\r\nautomobile\n\n')).toEqual(['airplane', 'automobile']);
  });
});

import { describe, expect, it } from 'vitest';
import { BACKENDS } from './helpers';
import { deleteModel, getModel, listModels, putModel, setBlockOverrides } from '../../../src/store/models';
import { datasetToRecord, deleteDataset, getDataset, listDatasets, putDataset } from '../../../src/store/datasets';
import type { Dataset } from '../../../src/core/data/dataset';
import { LabError } from '../../../src/core/errors';

function dataset(name: string, pixels: number[]): Dataset {
  return { name, images: new Float32Array(pixels), labels: new Int32Array([0, 1]), count: 2, height: 1, width: 2, channels: 1, classNames: ['zero', 'one'], provenance: 'test' };
}

describe('dataset records', () => {
  it('stores 8-bit pixels as uint8 (lossless) and anything else as float32', () => {
    const eight = datasetToRecord(dataset('a', [0, 1 / 255, 128 / 255, 1]));
    expect(eight.imageDtype).toBe('uint8');
    expect(eight.images.byteLength).toBe(4);
    const fine = datasetToRecord(dataset('b', [0, 0.1234, 0.5, 1]));
    expect(fine.imageDtype).toBe('float32');
    expect(fine.images.byteLength).toBe(16);
  });
});

describe.each(BACKENDS)('models and datasets ($name)', ({ open }) => {
  it('round-trips datasets exactly and lists them without pixels', async () => {
    const db = await open();
    const a = dataset('a', [0, 1 / 255, 128 / 255, 1]);
    const b = dataset('b', [0, 0.1234, 0.5, 1]);
    await putDataset(db, a);
    await putDataset(db, b);
    expect(Array.from((await getDataset(db, 'a')).dataset!.images)).toEqual(Array.from(a.images));
    expect((await getDataset(db, 'b')).dataset).toEqual(b);
    const { datasets } = await listDatasets(db);
    expect(datasets.map((d) => [d.name, d.count, d.imageShape, d.sizeBytes])).toEqual([['a', 2, [1, 2, 1], 12], ['b', 2, [1, 2, 1], 24]]);
    await db.put('datasets', { ...datasetToRecord(a), name: 'cut', labels: new ArrayBuffer(3) });
    const listed = await listDatasets(db);
    expect(listed.datasets).toHaveLength(2);
    expect(listed.warnings[0]).toMatch(/"cut": labels byte length/);
    await deleteDataset(db, 'a');
    expect((await getDataset(db, 'a')).dataset).toBeNull();
  });

  it('stores model files byte for byte with block overrides', async () => {
    const db = await open();
    await expect(putModel(db, { name: 'empty', files: [] })).rejects.toBeInstanceOf(LabError);
    const m = await putModel(db, { id: 'm', name: 'demo', files: [{ name: 'model.json', bytes: new Uint8Array([123, 125]).buffer }, { name: 'g1.bin', bytes: new Uint8Array(10).buffer }] }, 5);
    expect(await setBlockOverrides(db, 'm', [{ kind: 'merge', firstLayer: 'conv1', lastLayer: 'pool2' }])).toBe(true);
    expect(await setBlockOverrides(db, 'nope', [])).toBe(false);
    const read = (await getModel(db, m.id)).model!;
    expect(Array.from(new Uint8Array(read.files[0].bytes))).toEqual([123, 125]);
    expect(read.blockOverrides).toEqual([{ kind: 'merge', firstLayer: 'conv1', lastLayer: 'pool2' }]);
    expect((await listModels(db)).models).toEqual([{ id: 'm', name: 'demo', fileNames: ['model.json', 'g1.bin'], sizeBytes: 12, blockOverrides: read.blockOverrides, createdAt: 5 }]);
    await deleteModel(db, 'm');
    expect((await getModel(db, 'm')).model).toBeNull();
  });
});

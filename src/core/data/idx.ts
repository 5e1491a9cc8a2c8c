import { LabError } from '../errors';
import type { Dataset } from './dataset';
import { bytesToUnitFloats, maybeGunzip, numberedClassNames, readUint32BE, type NamedBytes } from './bytes';

/** A parsed IDX file: its dimensions and its uint8 payload (row-major, as stored). */
export interface IdxArray {
  dims: number[];
  data: Uint8Array;
}

/** IDX dtype byte for unsigned bytes: the only one image datasets use. */
const IDX_UBYTE = 0x08;

/**
 * Parses an IDX file (LeCun's MNIST format): magic 0x0000 08 <ndims>, big-endian uint32 dims, uint8 data.
 * `expectedRanks` lists the allowed numbers of dimensions (1 for labels, 3 or 4 for images).
 */
export function parseIdx(file: NamedBytes, expectedRanks: readonly number[], role: 'images' | 'labels'): IdxArray {
  const magic = readUint32BE(file, 0, 'magic number');
  const rank = magic & 0xff;
  const dtype = (magic >>> 8) & 0xff;
  const expected = expectedRanks.map((r) => `0x${(0x800 | r).toString(16).padStart(8, '0')}`).join(' or ');
  if (magic >>> 16 !== 0 || dtype !== IDX_UBYTE || !expectedRanks.includes(rank)) {
    throw new LabError(`${file.name} is not an IDX ${role} file: magic number is 0x${magic.toString(16).padStart(8, '0')}, expected ${expected}.`, {
      file: file.name,
      field: 'magic number',
      fix: role === 'images' ? 'Choose an IDX images file such as t10k-images-idx3-ubyte (unsigned bytes).' : 'Choose an IDX labels file such as t10k-labels-idx1-ubyte.',
    });
  }
  const dims: number[] = [];
  for (let d = 0; d < rank; d++) dims.push(readUint32BE(file, 4 + 4 * d, `dimension ${d}`));
  const header = 4 + 4 * rank;
  const size = dims.reduce((a, b) => a * b, 1);
  const actual = file.bytes.length - header;
  if (actual !== size) {
    const what = actual < size ? 'truncated' : 'longer than its header says';
    throw new LabError(`${file.name} is ${what}: the header declares ${dims.join('×')} = ${size} bytes of data, the file holds ${actual}.`, {
      file: file.name,
      field: 'data length',
      fix: 'The file is damaged or not IDX; copy or download it again.',
    });
  }
  return { dims, data: file.bytes.subarray(header) };
}

/** Options for turning an IDX images + labels pair into a Dataset. */
export interface IdxDatasetOptions {
  name: string;
  /** Class names; default '0'…'max label'. Labels outside the range are rejected. */
  classNames?: string[];
  provenance?: string;
}

/**
 * Loads an IDX images file (N×H×W grey, or N×H×W×C with C = 1 or 3) and its IDX labels file into a Dataset
 * with pixels scaled from 0–255 to [0, 1]. Accepts gzip-compressed files. Rejects with a LabError naming the file.
 */
export async function loadIdxDataset(imagesFile: NamedBytes, labelsFile: NamedBytes, options: IdxDatasetOptions): Promise<Dataset> {
  const images = parseIdx(await maybeGunzip(imagesFile), [3, 4], 'images');
  const labels = parseIdx(await maybeGunzip(labelsFile), [1], 'labels');
  const [count, height, width, channels = 1] = images.dims;
  if (channels !== 1 && channels !== 3) {
    throw new LabError(`${imagesFile.name} has ${channels} channels per pixel; the lab handles 1 (grey) or 3 (RGB).`, {
      file: imagesFile.name,
      field: 'dimension 3',
      fix: 'Convert the images to grey or RGB.',
    });
  }
  if (labels.dims[0] !== count) {
    throw new LabError(`${labelsFile.name} holds ${labels.dims[0]} labels but ${imagesFile.name} holds ${count} images.`, {
      file: labelsFile.name,
      field: 'label count',
      fix: 'Pick the labels file that belongs to this images file (same split, e.g. both t10k or both train).',
    });
  }
  const labelArray = Int32Array.from(labels.data);
  const maxLabel = labelArray.reduce((a, b) => Math.max(a, b), 0);
  const classNames = options.classNames ?? numberedClassNames(maxLabel + 1);
  if (maxLabel >= classNames.length) {
    throw new LabError(`${labelsFile.name} contains label ${maxLabel}, but the dataset has only ${classNames.length} classes.`, {
      file: labelsFile.name,
      field: 'labels',
      fix: `Use labels in 0…${classNames.length - 1} or give ${maxLabel + 1} class names.`,
    });
  }
  return {
    name: options.name,
    images: bytesToUnitFloats(images.data),
    labels: labelArray,
    count,
    height,
    width,
    channels,
    classNames,
    provenance: options.provenance ?? `IDX files ${imagesFile.name} + ${labelsFile.name}`,
  };
}

/** Encodes uint8 data of shape `dims` as an IDX file (the inverse of parseIdx); used to write bundled data. */
export function encodeIdx(dims: readonly number[], data: Uint8Array): Uint8Array {
  const size = dims.reduce((a, b) => a * b, 1);
  if (size !== data.length) throw new RangeError(`encodeIdx: dims ${dims.join('×')} need ${size} bytes, got ${data.length}`);
  const out = new Uint8Array(4 + 4 * dims.length + size);
  const view = new DataView(out.buffer);
  view.setUint32(0, (IDX_UBYTE << 8) | dims.length);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d));
  out.set(data, 4 + 4 * dims.length);
  return out;
}

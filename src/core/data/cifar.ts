import { LabError } from '../errors';
import type { Dataset } from './dataset';
import { numberedClassNames, type NamedBytes } from './bytes';

/** CIFAR-10 class names in label order (batches.meta.txt of the binary release). */
export const CIFAR10_CLASSES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];

export type CifarVariant = 'cifar10' | 'cifar100';

/** Options for loading CIFAR binary batches. */
export interface CifarOptions {
  name: string;
  variant: CifarVariant;
  /** CIFAR-100 only: which label byte to use (default 'fine', 100 classes; 'coarse' has 20). */
  labelKind?: 'fine' | 'coarse';
  /** Class names (e.g. the lines of batches.meta.txt / fine_label_names.txt); defaults to CIFAR-10's or numbers. */
  classNames?: string[];
}

const SIDE = 32;
const PIXELS = SIDE * SIDE;

/**
 * Loads CIFAR-10/100 binary batch files (records of label byte(s) + 3072 bytes of 32×32 R, G, B planes)
 * into one Dataset, converting CHW to HWC and pixels to [0, 1]. Rejects truncated files and bad labels.
 */
export function loadCifarBatches(files: readonly NamedBytes[], options: CifarOptions): Dataset {
  const labelBytes = options.variant === 'cifar10' ? 1 : 2;
  const labelOffset = options.variant === 'cifar100' && options.labelKind !== 'coarse' ? 1 : 0;
  const classCount = options.variant === 'cifar10' ? 10 : options.labelKind === 'coarse' ? 20 : 100;
  const classNames = options.classNames ?? (options.variant === 'cifar10' ? CIFAR10_CLASSES : numberedClassNames(classCount));
  const recordSize = labelBytes + 3 * PIXELS;
  if (files.length === 0) {
    throw new LabError('No CIFAR batch files were given.', { field: 'files', fix: 'Choose one or more files such as data_batch_1.bin or test_batch.bin.' });
  }
  let count = 0;
  for (const file of files) {
    if (file.bytes.length === 0 || file.bytes.length % recordSize !== 0) {
      const other = options.variant === 'cifar10' ? 3074 : 3073;
      const hint = file.bytes.length % other === 0 && file.bytes.length > 0 ? ` It looks like a ${options.variant === 'cifar10' ? 'CIFAR-100' : 'CIFAR-10'} file; choose that format.` : '';
      throw new LabError(`${file.name} is truncated or not a ${options.variant === 'cifar10' ? 'CIFAR-10' : 'CIFAR-100'} binary batch: ${file.bytes.length} bytes is not a multiple of the ${recordSize}-byte record.${hint}`, {
        file: file.name,
        field: 'record size',
        fix: `Use the binary version of the dataset (…-binary.tar.gz), whose records are ${recordSize} bytes.`,
      });
    }
    count += file.bytes.length / recordSize;
  }
  const images = new Float32Array(count * 3 * PIXELS);
  const labels = new Int32Array(count);
  let n = 0;
  for (const file of files) {
    for (let r = 0; r < file.bytes.length; r += recordSize, n++) {
      const label = file.bytes[r + labelOffset];
      if (label >= classNames.length) {
        throw new LabError(`${file.name} record ${r / recordSize} has label ${label}, but there are only ${classNames.length} classes.`, {
          file: file.name,
          field: 'label',
          fix: 'Check that the file is a CIFAR batch of the chosen variant and label kind.',
        });
      }
      labels[n] = label;
      const base = n * 3 * PIXELS;
      for (let c = 0; c < 3; c++) {
        const plane = r + labelBytes + c * PIXELS;
        for (let p = 0; p < PIXELS; p++) images[base + p * 3 + c] = file.bytes[plane + p] / 255;
      }
    }
  }
  return {
    name: options.name,
    images,
    labels,
    count,
    height: SIDE,
    width: SIDE,
    channels: 3,
    classNames,
    provenance: `${options.variant === 'cifar10' ? 'CIFAR-10' : `CIFAR-100 (${options.labelKind ?? 'fine'} labels)`} binary batches: ${files.map((f) => f.name).join(', ')}`,
  };
}

/** Class names from a label-names text file (one name per line, blank lines ignored), e.g. batches.meta.txt. */
export function parseLabelNames(text: string): string[] {
  return text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l.length > 0);
}

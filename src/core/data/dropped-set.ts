/**
 * Browser/worker side of `loadLabelledFiles`: a labelled set dropped as File/Blob objects. The
 * size limit is checked on `Blob.size` before a byte is read; images decode with the browser's
 * decoder. Call it where the File objects are (a worker receives them through postMessage).
 */
import { decodeImageInBrowser } from './decode-browser';
import type { ImageDecoder } from './image-folder';
import { loadLabelledFiles, type LabelledSet, type LabelledSetOptions } from './labelled-set';
import { checkFileBytes, MAX_SET_FILE_BYTES } from './set-limits';

/** One dropped file: its path relative to the dropped folder ('/'-separated; `webkitRelativePath` or the entry path) and its contents. */
export interface DroppedFile {
  path: string;
  file: Blob;
}

/** Checks the total size, reads the files, and loads them as one labelled set. */
export async function loadDroppedSet(files: readonly DroppedFile[], options: LabelledSetOptions = {}, decode: ImageDecoder = decodeImageInBrowser): Promise<LabelledSet> {
  const name = options.name ?? 'my-images';
  checkFileBytes(files.map((f) => ({ path: f.path, size: f.file.size })), name, options.maxFileBytes ?? MAX_SET_FILE_BYTES);
  const read = await Promise.all(files.map(async (f) => ({ path: f.path.split('\\').join('/').replace(/^\/+/, ''), bytes: new Uint8Array(await f.file.arrayBuffer()) })));
  return loadLabelledFiles(read, decode, options);
}

/** Datasets for the CLI commands: a bundled dataset by name, or a folder of class sub-folders. */
import { existsSync, statSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { basename, join, relative, resolve } from 'node:path';
import { BUNDLED_DATASET_NAMES, loadBundledDataset, type BundledDatasetName } from '../core/data/bundled';
import type { Dataset } from '../core/data/dataset';
import { decodeImageInNode } from '../core/data/decode-node';
import { loadImageFolder, type FolderFile } from '../core/data/image-folder';
import { readPublicData } from '../core/data/node-source';
import { LabError } from '../core/errors';

async function readFolder(dir: string): Promise<FolderFile[]> {
  const files: FolderFile[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const full = join(entry.parentPath, entry.name);
    files.push({ path: relative(dir, full).split('\\').join('/'), bytes: new Uint8Array(await readFile(full)) });
  }
  return files;
}

/** A bundled dataset by name, or a folder of class sub-folders by path. */
export async function loadDataset(target: string): Promise<Dataset> {
  if ((BUNDLED_DATASET_NAMES as readonly string[]).includes(target)) return loadBundledDataset(target as BundledDatasetName, readPublicData(resolve('public/data')));
  const dir = resolve(target);
  if (existsSync(dir) && statSync(dir).isDirectory()) return loadImageFolder(await readFolder(dir), decodeImageInNode, basename(dir));
  throw new LabError(`"${target}" is neither a bundled dataset nor a folder.`, { field: 'dataset', fix: `Use one of ${BUNDLED_DATASET_NAMES.join(', ')}, or a folder with one sub-folder of images per class.` });
}

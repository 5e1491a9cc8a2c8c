/** Node only (CLI, tests, benchmarks): read a model folder from disk, validate it, load it. */
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { LabError } from '../errors';
import { loadValidatedModel } from './load';
import { validateModelFiles, type ModelFile, type ValidatedModel, type ValidateOptions } from './validate';

/** Sub-folder levels read below a model folder (tensorflowjs_converter and hand-made layouts use one, e.g. weights/). */
const MAX_DEPTH = 3;

/**
 * Every regular file inside `dir` and its sub-folders (up to MAX_DEPTH levels, hidden entries
 * skipped), named by its '/'-separated path relative to `dir`, so that manifest paths such as
 * `weights/group1-shard1of1.bin` are found.
 */
export async function readModelFolder(dir: string): Promise<ModelFile[]> {
  try {
    await readdir(dir);
  } catch {
    throw new LabError(`The folder ${dir} cannot be read.`, { file: dir, field: 'path', fix: 'Give the path of a folder that holds model.json and its .bin files.' });
  }
  const files: ModelFile[] = [];
  const walk = async (folder: string, prefix: string, depth: number): Promise<void> => {
    for (const name of (await readdir(folder)).sort()) {
      if (name.startsWith('.')) continue;
      const path = join(folder, name);
      const info = await stat(path);
      if (info.isFile()) files.push({ name: prefix + name, bytes: new Uint8Array(await readFile(path)) });
      else if (info.isDirectory() && depth < MAX_DEPTH && name !== 'node_modules') await walk(path, `${prefix}${name}/`, depth + 1);
    }
  };
  await walk(dir, '', 0);
  return files;
}

/** Reads and validates the model in `dir` (named after the folder unless its files name it); other non-.bin files, and .bin files in folders holding no shard of the model, are ignored. */
export async function validateModelFolder(dir: string, options: ValidateOptions = {}): Promise<ValidatedModel> {
  return validateModelFiles(await readModelFolder(dir), { name: basename(dir), ignoreExtraFiles: true, ...options });
}

/** Reads, validates and loads the model in `dir`. */
export async function loadModelFolder(dir: string, options: ValidateOptions = {}): Promise<{ validated: ValidatedModel; model: tf.LayersModel }> {
  const validated = await validateModelFolder(dir, options);
  return { validated, model: await loadValidatedModel(validated) };
}

/** Node only (CLI, tests, benchmarks): read a model folder from disk, validate it, load it. */
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { LabError } from '../errors';
import { loadValidatedModel } from './load';
import { validateModelFiles, type ModelFile, type ValidatedModel, type ValidateOptions } from './validate';

/** Every regular file directly inside `dir` (sub-folders are ignored). */
export async function readModelFolder(dir: string): Promise<ModelFile[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    throw new LabError(`The folder ${dir} cannot be read.`, { file: dir, field: 'path', fix: 'Give the path of a folder that holds model.json and its .bin files.' });
  }
  const files: ModelFile[] = [];
  for (const name of names.sort()) {
    const path = join(dir, name);
    if (!(await stat(path)).isFile()) continue;
    files.push({ name, bytes: new Uint8Array(await readFile(path)) });
  }
  return files;
}

/** Reads and validates the model in `dir` (named after the folder unless its files name it); other non-.bin files in the folder are ignored. */
export async function validateModelFolder(dir: string, options: ValidateOptions = {}): Promise<ValidatedModel> {
  return validateModelFiles(await readModelFolder(dir), { name: basename(dir), ignoreExtraFiles: true, ...options });
}

/** Reads, validates and loads the model in `dir`. */
export async function loadModelFolder(dir: string, options: ValidateOptions = {}): Promise<{ validated: ValidatedModel; model: tf.LayersModel }> {
  const validated = await validateModelFolder(dir, options);
  return { validated, model: await loadValidatedModel(validated) };
}

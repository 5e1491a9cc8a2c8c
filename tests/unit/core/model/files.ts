/** Test helpers: a model as the files a user would drop (optionally split into several shards). */
import type * as tf from '@tensorflow/tfjs';
import { exportModel } from '../../../../src/core/model/export';
import type { ModelFile } from '../../../../src/core/model/validate';

/** model.json + `shards` .bin files (weights cut at byte boundaries, as tfjs shards are), in manifest order. */
export async function modelFiles(model: tf.LayersModel, shards = 1): Promise<ModelFile[]> {
  const exported = await exportModel(model);
  if (shards === 1) return exported.files;
  const json = JSON.parse(exported.modelJson) as { weightsManifest: { paths: string[] }[] };
  const size = Math.ceil(exported.weights.length / shards);
  const files: ModelFile[] = [];
  const paths: string[] = [];
  for (let i = 0; i < shards; i++) {
    const name = `group1-shard${i + 1}of${shards}.bin`;
    paths.push(name);
    files.push({ name, bytes: exported.weights.slice(i * size, (i + 1) * size) });
  }
  json.weightsManifest[0].paths = paths;
  return [{ name: 'model.json', bytes: new TextEncoder().encode(JSON.stringify(json)) }, ...files];
}

/** The parsed model.json of `files`. */
export function modelJsonOf(files: readonly ModelFile[]): Record<string, unknown> {
  const file = files.find((f) => f.name.endsWith('model.json')) as ModelFile;
  return JSON.parse(new TextDecoder().decode(file.bytes)) as Record<string, unknown>;
}

/** `files` with model.json replaced by `json`. */
export function withModelJson(files: readonly ModelFile[], json: unknown): ModelFile[] {
  return files.map((f) => (f.name.endsWith('model.json') ? { name: f.name, bytes: new TextEncoder().encode(JSON.stringify(json)) } : f));
}

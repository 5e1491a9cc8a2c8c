/** Node file-system IO for tfjs LayersModels in the standard layout: model.json + one weight shard (tfjs's own loaders read it). */
import * as tf from '@tensorflow/tfjs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** Name of the single weight shard (tfjs's converter naming; our demo models are far below its 4 MB shard size). */
export const SHARD_NAME = 'group1-shard1of1.bin';

/** Saves `model` into `dir` as model.json + group1-shard1of1.bin; returns the byte sizes written. */
export async function saveModelToDir(model: tf.LayersModel, dir: string): Promise<{ jsonBytes: number; weightBytes: number }> {
  await mkdir(dir, { recursive: true });
  let sizes = { jsonBytes: 0, weightBytes: 0 };
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const weights = new Uint8Array(tf.io.CompositeArrayBuffer.join(artifacts.weightData ?? new ArrayBuffer(0)));
      const json = JSON.stringify({
        format: 'layers-model',
        generatedBy: `TensorFlow.js tfjs-layers v${tf.version.tfjs}`,
        convertedBy: null,
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: [SHARD_NAME], weights: artifacts.weightSpecs ?? [] }],
      });
      await writeFile(join(dir, 'model.json'), json);
      await writeFile(join(dir, SHARD_NAME), weights);
      sizes = { jsonBytes: Buffer.byteLength(json), weightBytes: weights.byteLength };
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    }),
  );
  return sizes;
}

interface ModelJson {
  modelTopology: object;
  weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
}

/** Loads a LayersModel from `dir/model.json` and the shards it lists (the Node counterpart of tf.loadLayersModel(url)). */
export async function loadModelFromDir(modelJsonPath: string): Promise<tf.LayersModel> {
  const json = JSON.parse(await readFile(modelJsonPath, 'utf8')) as ModelJson;
  const weightSpecs = json.weightsManifest.flatMap((group) => group.weights);
  const shards = await Promise.all(json.weightsManifest.flatMap((group) => group.paths).map((p) => readFile(join(dirname(modelJsonPath), p))));
  const weightData = new Uint8Array(Buffer.concat(shards)).buffer;
  return tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs, weightData }));
}

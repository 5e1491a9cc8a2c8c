/** A LayersModel → the standard tfjs files (model.json + group1-shard1of1.bin), loadable by plain tf.loadLayersModel. */
import * as tf from '@tensorflow/tfjs';
import { LabError } from '../errors';

export const WEIGHTS_FILE = 'group1-shard1of1.bin';

export interface ExportedModel {
  /** model.json text. */
  modelJson: string;
  /** The one weight shard (float32, manifest order). */
  weights: Uint8Array;
  /** model.json and the shard, ready to download or store. */
  files: { name: string; bytes: Uint8Array }[];
}

/** Serialises `model` in the tfjs LayersModel format with all weights in one shard. */
export async function exportModel(model: tf.LayersModel): Promise<ExportedModel> {
  let exported: ExportedModel | null = null;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const specs = artifacts.weightSpecs ?? [];
      const names = new Set<string>();
      for (const spec of specs) {
        if (names.has(spec.name)) throw new LabError(`Two weights of the model are both named "${spec.name}"; the saved model could not be loaded again.`, { field: spec.name, fix: 'Give every layer a unique name before exporting.' });
        names.add(spec.name);
      }
      const weights = new Uint8Array(tf.io.CompositeArrayBuffer.join(artifacts.weightData ?? new ArrayBuffer(0)));
      const json: Record<string, unknown> = {
        format: artifacts.format ?? 'layers-model',
        generatedBy: artifacts.generatedBy ?? `TensorFlow.js tfjs-layers v${tf.version.tfjs}`,
        convertedBy: artifacts.convertedBy ?? null,
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: [WEIGHTS_FILE], weights: specs }],
      };
      if (artifacts.trainingConfig) json['trainingConfig'] = artifacts.trainingConfig;
      const modelJson = JSON.stringify(json);
      exported = { modelJson, weights, files: [{ name: 'model.json', bytes: new TextEncoder().encode(modelJson) }, { name: WEIGHTS_FILE, bytes: weights }] };
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON', modelTopologyBytes: modelJson.length, weightDataBytes: weights.byteLength } };
    }),
  );
  if (!exported) throw new Error('tfjs did not hand the model artifacts to the save handler.');
  return exported;
}

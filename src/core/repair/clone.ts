import * as tf from '@tensorflow/tfjs';

/** An independent copy of a LayersModel (same topology, copied weights), via in-memory save/load. */
export async function cloneModel(model: tf.LayersModel): Promise<tf.LayersModel> {
  let artifacts: tf.io.ModelArtifacts | null = null;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  return tf.loadLayersModel(tf.io.fromMemory(artifacts!));
}

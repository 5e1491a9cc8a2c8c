import * as tf from '@tensorflow/tfjs';
import { chunks, gatherBatch, disposeBatch, type Split } from '../search/batches';

/**
 * Recomputes the moving mean and variance of the named BatchNormalization layers of
 * `model` exactly (population statistics, not momentum averages) over `data`, layer by layer
 * in the model's order, so each layer sees the already-recomputed layers before it.
 * Every named layer must have one call site (`layer.input`).
 */
export async function recomputeBatchNorm(model: tf.LayersModel, layerNames: readonly string[], data: Split, batchSize = 256): Promise<void> {
  const wanted = new Set(layerNames);
  const n = data.shape[0];
  if (n === 0) return;
  for (const layer of model.layers) {
    if (!wanted.has(layer.name) || layer.getClassName() !== 'BatchNormalization') continue;
    const probe = tf.model({ inputs: model.inputs, outputs: layer.input as tf.SymbolicTensor });
    let sum: tf.Tensor | null = null;
    let squares: tf.Tensor | null = null;
    let count = 0;
    for (const rows of chunks(Array.from({ length: n }, (_, i) => i), batchSize)) {
      const batch = gatherBatch(data, rows);
      const [s, q, m] = tf.tidy(() => {
        const x = probe.predict(batch.x) as tf.Tensor;
        const flat = x.reshape([-1, x.shape[x.shape.length - 1]]);
        return [flat.sum(0), flat.square().sum(0), tf.scalar(flat.shape[0])];
      });
      disposeBatch(batch);
      count += (await m.data())[0];
      m.dispose();
      const nextSum: tf.Tensor = sum ? tf.add(sum, s) : s.clone();
      const nextSquares: tf.Tensor = squares ? tf.add(squares, q) : q.clone();
      tf.dispose([sum, squares, s, q].filter((t): t is tf.Tensor => t !== null));
      sum = nextSum;
      squares = nextSquares;
    }
    tf.tidy(() => {
      const mean = sum!.div(count);
      const variance = tf.relu(squares!.div(count).sub(mean.square()));
      const [gamma, beta] = layer.getWeights();
      layer.setWeights([gamma, beta, mean, variance]);
    });
    tf.dispose([sum!, squares!]);
  }
}

import type * as tf from '@tensorflow/tfjs';

/** What a kernel needs of the wasm backend to read and write tensors in place on its heap. */
export interface HeapBackend {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  /** A view of the tensor's values on the heap (no copy; invalid once the heap grows, so allocate outputs first). */
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
}

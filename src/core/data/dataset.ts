/**
 * The one in-memory form of an image classification dataset in the lab.
 * Pixels are float32, NHWC, in [0, 1]: `images[((n * height + y) * width + x) * channels + c]`.
 */
export interface Dataset {
  /** Short id, e.g. 'mnist-test', 'fashion-test', or the user's folder name. */
  name: string;
  images: Float32Array;
  /** Class index per image, in [0, classNames.length). */
  labels: Int32Array;
  count: number;
  height: number;
  width: number;
  channels: number;
  classNames: string[];
  /** Where the data came from (package, file names, split rule), shown in the UI and reports. */
  provenance: string;
}

/** Number of float values in one image. */
export function imageSize(ds: Pick<Dataset, 'height' | 'width' | 'channels'>): number {
  return ds.height * ds.width * ds.channels;
}

/** A new Dataset holding the images at `indices`, in that order (copies the pixels). */
export function subset(ds: Dataset, indices: ArrayLike<number>, name = ds.name): Dataset {
  const size = imageSize(ds);
  const images = new Float32Array(indices.length * size);
  const labels = new Int32Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    const src = indices[i];
    images.set(ds.images.subarray(src * size, (src + 1) * size), i * size);
    labels[i] = ds.labels[src];
  }
  return { ...ds, name, images, labels, count: indices.length };
}

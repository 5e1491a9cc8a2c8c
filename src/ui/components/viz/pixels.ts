/** Pure conversion of NHWC float images to RGBA bytes for canvas ImageData; no DOM. */

/** Image batch shape [count, height, width, channels]; channels is 1 (grey) or 3 (RGB). */
export type ImageShape = readonly [number, number, number, number];

/**
 * RGBA bytes (height × width × 4) of image `index` of an NHWC batch with values in [0, 1];
 * values outside [0, 1] are clamped, grey is copied to R, G and B, alpha is opaque.
 */
export function imageRgba(pixels: Float32Array, shape: ImageShape, index: number): Uint8ClampedArray<ArrayBuffer> {
  const [, height, width, channels] = shape;
  const size = height * width;
  const out = new Uint8ClampedArray(size * 4);
  const base = index * size * channels;
  for (let p = 0; p < size; p++) {
    for (let k = 0; k < 3; k++) {
      const v = pixels[base + p * channels + (channels === 1 ? 0 : k)];
      out[p * 4 + k] = Math.round(Math.min(1, Math.max(0, v)) * 255);
    }
    out[p * 4 + 3] = 255;
  }
  return out;
}

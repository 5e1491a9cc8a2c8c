import type { DecodedImage, ImageDecoder } from './image-folder';

/**
 * Browser/worker image decoder: createImageBitmap + OffscreenCanvas → RGBA uint8 (channels 4).
 * Colour-space conversion and premultiplication are turned off so pixel values are the file's.
 */
export const decodeImageInBrowser: ImageDecoder = async (name: string, bytes: Uint8Array): Promise<DecodedImage> => {
  const blob = new Blob([bytes as Uint8Array<ArrayBuffer>]);
  const bitmap = await createImageBitmap(blob, { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
  try {
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const context = canvas.getContext('2d', { willReadFrequently: true });
    if (!context) throw new Error(`no 2D canvas context to decode ${name}`);
    context.drawImage(bitmap, 0, 0);
    const pixels = context.getImageData(0, 0, bitmap.width, bitmap.height);
    return { width: bitmap.width, height: bitmap.height, channels: 4, data: new Uint8Array(pixels.data.buffer) };
  } finally {
    bitmap.close();
  }
};

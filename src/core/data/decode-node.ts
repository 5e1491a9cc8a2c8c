import { PNG } from 'pngjs';
import jpeg from 'jpeg-js';
import type { DecodedImage, ImageDecoder } from './image-folder';

/** Node image decoder for tests and the CLI: PNG via pngjs, JPEG via jpeg-js, both → RGBA uint8 (channels 4). */
export const decodeImageInNode: ImageDecoder = async (name: string, bytes: Uint8Array): Promise<DecodedImage> => {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes[0] === 0x89 && bytes[1] === 0x50) {
    const png = PNG.sync.read(buffer);
    return { width: png.width, height: png.height, channels: 4, data: new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.byteLength) };
  }
  if (bytes[0] === 0xff && bytes[1] === 0xd8) {
    // Limits guard against decompression bombs in user files.
    const img = jpeg.decode(buffer, { useTArray: true, formatAsRGBA: true, maxResolutionInMP: 4, maxMemoryUsageInMB: 128 });
    return { width: img.width, height: img.height, channels: 4, data: img.data };
  }
  throw new Error(`${name}: only PNG and JPEG can be decoded in Node`);
};

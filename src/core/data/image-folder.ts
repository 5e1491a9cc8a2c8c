import { LabError } from '../errors';
import type { Dataset } from './dataset';

/** A decoded image: `channels` interleaved uint8 samples per pixel (1 grey, 3 RGB or 4 RGBA), row-major. */
export interface DecodedImage {
  width: number;
  height: number;
  channels: number;
  data: Uint8Array;
}

/** Decodes one image file; the browser and Node provide different implementations. */
export type ImageDecoder = (name: string, bytes: Uint8Array) => Promise<DecodedImage>;

/** One file of a dropped folder: `path` relative to the dropped folder, '/'-separated (e.g. 'pets/cat/001.png'). */
export interface FolderFile {
  path: string;
  bytes: Uint8Array;
}

/** The largest side the lab accepts: it trains small CNNs in the browser. */
export const MAX_IMAGE_SIDE = 256;

/** Recognises image files by their first bytes (PNG, JPEG, GIF, BMP, WebP); null when not an image. */
export function sniffImageType(bytes: Uint8Array): 'png' | 'jpeg' | 'gif' | 'bmp' | 'webp' | null {
  const at = (i: number, s: string) => [...s].every((ch, k) => bytes[i + k] === ch.charCodeAt(0));
  if (bytes[0] === 0x89 && at(1, 'PNG')) return 'png';
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if (at(0, 'GIF8')) return 'gif';
  if (at(0, 'BM')) return 'bmp';
  if (at(0, 'RIFF') && at(8, 'WEBP')) return 'webp';
  return null;
}

/** Hidden files and OS clutter (.DS_Store, Thumbs.db, desktop.ini) are skipped rather than rejected. */
export function isClutter(path: string): boolean {
  const base = path.split('/').pop() ?? '';
  return base.startsWith('.') || /^(thumbs\.db|desktop\.ini)$/i.test(base);
}

/**
 * Loads a folder with one sub-folder per class (class = each file's parent folder name, classes sorted by name)
 * into a Dataset: pixels in [0, 1], grey (1 channel) when every image is grey, else RGB (alpha dropped).
 * Rejects non-image files, undecodable images, mixed sizes and files outside class folders with a LabError.
 */
export async function loadImageFolder(files: readonly FolderFile[], decode: ImageDecoder, name = 'my-images'): Promise<Dataset> {
  const kept = files.filter((f) => !isClutter(f.path)).slice().sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  if (kept.length === 0) {
    throw new LabError('The folder holds no image files.', { field: 'files', fix: 'Drop a folder with one sub-folder per class, each holding PNG or JPEG images.' });
  }
  const classOf = (path: string): string => {
    const parts = path.split('/').filter((p) => p.length > 0);
    if (parts.length < 2) {
      throw new LabError(`${path} is not inside a class folder.`, { file: path, field: 'folder layout', fix: 'Put every image in a sub-folder named after its class, e.g. cat/001.png.' });
    }
    return parts[parts.length - 2];
  };
  const classNames = [...new Set(kept.map((f) => classOf(f.path)))].sort();
  const decoded: DecodedImage[] = [];
  for (const file of kept) {
    if (sniffImageType(file.bytes) === null) {
      throw new LabError(`${file.path} is not an image file.`, { file: file.path, field: 'file type', fix: 'Remove it from the folder; only PNG, JPEG, GIF, BMP and WebP images are read.' });
    }
    const image = await decodeOne(file, decode);
    const first = decoded[0] ?? image;
    if (image.width !== first.width || image.height !== first.height) {
      throw new LabError(`${file.path} is ${image.width}×${image.height} but ${kept[0].path} is ${first.width}×${first.height}; all images must have the same size.`, {
        file: file.path,
        field: 'image size',
        fix: `Resize every image to ${first.width}×${first.height} (or one common size) before loading.`,
      });
    }
    decoded.push(image);
  }
  return assemble(decoded, kept.map((f) => classNames.indexOf(classOf(f.path))), classNames, name);
}

/** Decodes one image file, checking the pixel layout and that no side exceeds `maxSide`. */
export async function decodeOne(file: FolderFile, decode: ImageDecoder, maxSide = MAX_IMAGE_SIDE): Promise<DecodedImage> {
  let image: DecodedImage;
  try {
    image = await decode(file.path, file.bytes);
  } catch (err) {
    throw new LabError(`${file.path} could not be decoded (${(err as Error).message}).`, { file: file.path, field: 'image data', fix: 'The image is damaged; re-export it as PNG or JPEG.' });
  }
  const { width, height, channels, data } = image;
  if (![1, 3, 4].includes(channels) || data.length !== width * height * channels || width < 1 || height < 1) {
    throw new LabError(`${file.path} decoded to an unexpected pixel layout (${width}×${height}×${channels}).`, { file: file.path, field: 'image data', fix: 'Re-export it as an 8-bit PNG or JPEG.' });
  }
  if (width > maxSide || height > maxSide) {
    throw new LabError(`${file.path} is ${width}×${height}; the lab handles images up to ${maxSide}×${maxSide}.`, { file: file.path, field: 'image size', fix: 'Downscale the images (e.g. to 32×32) first.' });
  }
  return image;
}

/** Packs decoded images into NHWC floats; collapses to 1 channel when every pixel of every image is grey. */
function assemble(images: DecodedImage[], labels: number[], classNames: string[], name: string): Dataset {
  const { width, height } = images[0];
  const isGrey = images.every((im) => im.channels === 1 || everyPixelGrey(im));
  const channels = isGrey ? 1 : 3;
  const pixels = width * height;
  const out = new Float32Array(images.length * pixels * channels);
  images.forEach((im, n) => {
    for (let p = 0; p < pixels; p++) {
      for (let c = 0; c < channels; c++) {
        const src = im.channels === 1 ? im.data[p] : im.data[p * im.channels + c];
        out[(n * pixels + p) * channels + c] = src / 255;
      }
    }
  });
  return {
    name,
    images: out,
    labels: Int32Array.from(labels),
    count: images.length,
    height,
    width,
    channels,
    classNames,
    provenance: `Image folder "${name}": ${images.length} images in ${classNames.length} class folders`,
  };
}

function everyPixelGrey(im: DecodedImage): boolean {
  for (let i = 0; i < im.data.length; i += im.channels) {
    if (im.data[i] !== im.data[i + 1] || im.data[i] !== im.data[i + 2]) return false;
  }
  return true;
}

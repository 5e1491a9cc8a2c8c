/** Limits on a labelled set, checked before anything is read or decoded (a 2 GB folder must not freeze the page). Pure. */
import { LabError } from '../errors';

/** Files of a set, summed, must not exceed this (bytes). */
export const MAX_SET_FILE_BYTES = 1024 ** 3;
/** The decoded float32 pixels must not exceed this (bytes). */
export const MAX_SET_PIXEL_BYTES = 1024 ** 3;

const mb = (bytes: number): string => (bytes < 1024 ** 2 ? `${Math.ceil(bytes / 1024)} kB` : `${(bytes / 1024 ** 2).toFixed(bytes < 10 * 1024 ** 2 ? 1 : 0)} MB`);

/** Refuses a set whose files add up to more than `limit` bytes; names the biggest file. */
export function checkFileBytes(entries: readonly { path: string; size: number }[], where: string, limit = MAX_SET_FILE_BYTES): void {
  const total = entries.reduce((s, e) => s + e.size, 0);
  if (total <= limit) return;
  const biggest = entries.reduce((a, b) => (b.size > a.size ? b : a));
  throw new LabError(`${where} holds ${mb(total)} of files (${entries.length} files, the largest ${biggest.path} at ${mb(biggest.size)}); the lab reads sets up to ${mb(limit)} in the browser.`, {
    file: where,
    field: 'size',
    fix: 'Use a sample of the images (a few thousand per set are plenty to repair a small CNN), or downscale them before dropping.',
  });
}

/** Refuses a set whose decoded float32 pixels would exceed `limit` bytes. */
export function checkPixelBytes(count: number, shape: readonly number[], where: string, limit = MAX_SET_PIXEL_BYTES): void {
  const bytes = count * shape.reduce((a, b) => a * b, 1) * 4;
  if (bytes <= limit) return;
  throw new LabError(`${where}: ${count} images of ${shape.join('×')} take ${mb(bytes)} as float32 pixels, over the ${mb(limit)} the lab holds in memory.`, {
    file: where,
    field: 'size',
    fix: 'Use fewer images or a smaller target size.',
  });
}

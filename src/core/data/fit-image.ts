/**
 * Fits an image to a model's input [H, W, C]: area resampling (each output pixel averages the
 * source pixels it covers, so downscaling does not alias) and grey ↔ RGB conversion. Pure.
 */

export interface PixelShape {
  height: number;
  width: number;
  channels: number;
}

const LUMA = [0.299, 0.587, 0.114];

/** "RGB", "grey"… for a channel count. */
export function channelName(channels: number): string {
  return channels === 1 ? 'grey' : channels === 3 ? 'RGB' : channels === 4 ? 'RGBA' : `${channels}-channel`;
}

/** What fitting `from` to `to` does, in words ("resized 64×64 → 28×28, RGB → grey"), or null when nothing changes. */
export function describeFit(from: PixelShape, to: PixelShape): string | null {
  const parts: string[] = [];
  if (from.height !== to.height || from.width !== to.width) parts.push(`resized ${from.width}×${from.height} → ${to.width}×${to.height}`);
  const a = channelName(from.channels === 4 && to.channels !== 4 ? 3 : from.channels);
  const b = channelName(to.channels);
  if (from.channels === 4 && to.channels !== 4) parts.push(to.channels === 3 ? 'alpha dropped' : `alpha dropped, RGB → ${b}`);
  else if (a !== b) parts.push(`${a} → ${b}`);
  return parts.length > 0 ? parts.join(', ') : null;
}

/** One pixel's channels converted: grey → RGB repeats, RGB(A) → grey by luma, alpha dropped or set to 1. */
function convertPixel(src: ArrayLike<number>, at: number, from: number, to: number, out: Float32Array, outAt: number, scale: number): void {
  if (from === to) {
    for (let c = 0; c < to; c++) out[outAt + c] = src[at + c] * scale;
    return;
  }
  const rgb = from === 1 ? [src[at], src[at], src[at]] : [src[at], src[at + 1], src[at + 2]];
  if (to === 1) {
    const isGrey = rgb[0] === rgb[1] && rgb[1] === rgb[2];
    out[outAt] = (isGrey ? rgb[0] : LUMA[0] * rgb[0] + LUMA[1] * rgb[1] + LUMA[2] * rgb[2]) * scale;
    return;
  }
  for (let c = 0; c < Math.min(3, to); c++) out[outAt + c] = rgb[c] * scale;
  if (to === 4) out[outAt + 3] = from === 4 ? src[at + 3] * scale : 1;
}

/** Source intervals and weights of each output coordinate for area resampling of `n` → `m`. */
function areaWeights(n: number, m: number): { index: number[]; weight: number[] }[] {
  const step = n / m;
  return Array.from({ length: m }, (_, o) => {
    const start = o * step;
    const end = start + step;
    const index: number[] = [];
    const weight: number[] = [];
    for (let i = Math.floor(start); i < Math.min(n, Math.ceil(end)); i++) {
      const w = Math.min(end, i + 1) - Math.max(start, i);
      if (w > 1e-9) (index.push(i), weight.push(w / step));
    }
    return { index, weight };
  });
}

/**
 * `src` (HWC, `from` shape, values times `scale` become [0, 1]: 1/255 for bytes, 1 for floats)
 * → a new Float32Array of shape `to`.
 */
export function fitImage(src: ArrayLike<number>, from: PixelShape, to: PixelShape, scale = 1): Float32Array {
  // Channels first (at the source size), then area resampling per channel.
  const pixels = from.height * from.width;
  const converted = new Float32Array(pixels * to.channels);
  for (let p = 0; p < pixels; p++) convertPixel(src, p * from.channels, from.channels, to.channels, converted, p * to.channels, scale);
  if (from.height === to.height && from.width === to.width) return converted;
  const rows = areaWeights(from.height, to.height);
  const cols = areaWeights(from.width, to.width);
  const c = to.channels;
  const out = new Float32Array(to.height * to.width * c);
  for (let y = 0; y < to.height; y++) {
    const r = rows[y];
    for (let x = 0; x < to.width; x++) {
      const q = cols[x];
      for (let k = 0; k < c; k++) {
        let sum = 0;
        for (let a = 0; a < r.index.length; a++) {
          const rowBase = r.index[a] * from.width;
          for (let b = 0; b < q.index.length; b++) sum += r.weight[a] * q.weight[b] * converted[(rowBase + q.index[b]) * c + k];
        }
        out[(y * to.width + x) * c + k] = sum;
      }
    }
  }
  return out;
}

/** Shared synthetic datasets for the data tests: small, deterministic, with structure (strokes, edges, colour). */
import type { Dataset } from '../../../../src/core/data/dataset';

/** `count` grey 28×28 "digits": a ring and a bar in white on black, placed a little differently per image. */
export function greyDigits(count = 4, side = 28): Dataset {
  const images = new Float32Array(count * side * side);
  for (let n = 0; n < count; n++) {
    const cx = side / 2 + (n % 3) - 1;
    const cy = side / 2 + (n % 2);
    const radius = side * (0.22 + 0.03 * n);
    for (let y = 0; y < side; y++) {
      for (let x = 0; x < side; x++) {
        const ring = Math.max(0, 1 - Math.abs(Math.hypot(x - cx, y - cy) - radius) / 1.5);
        const bar = x > side * 0.6 && y < side * 0.8 && Math.abs(x - side * 0.6 - (y * (n + 1)) / 8) < 1.2 ? 1 : 0;
        images[(n * side + y) * side + x] = Math.min(1, ring + bar);
      }
    }
  }
  return dataset(images, count, side, side, 1);
}

/** `count` RGB 32×32 scenes: a colour gradient with a bright square and a dark disk. */
export function rgbScenes(count = 3, side = 32): Dataset {
  const images = new Float32Array(count * side * side * 3);
  for (let n = 0; n < count; n++) {
    for (let y = 0; y < side; y++) {
      for (let x = 0; x < side; x++) {
        const i = ((n * side + y) * side + x) * 3;
        const isSquare = x > 4 + n && x < 14 + n && y > 6 && y < 16;
        const isDisk = Math.hypot(x - 22, y - 22 + n) < 6;
        const base = [0.2 + (0.6 * x) / side, 0.3 + (0.4 * y) / side, 0.7 - (0.5 * (x + y)) / (2 * side)];
        for (let c = 0; c < 3; c++) images[i + c] = isSquare ? 0.95 : isDisk ? 0.08 : base[c];
      }
    }
  }
  return dataset(images, count, side, side, 3);
}

function dataset(images: Float32Array, count: number, height: number, width: number, channels: number): Dataset {
  return { name: 'fixture', images, labels: new Int32Array(count), count, height, width, channels, classNames: ['a'], provenance: 'synthetic test fixture' };
}

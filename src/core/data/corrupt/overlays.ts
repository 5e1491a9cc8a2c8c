/** Overlay corruptions in the spirit of MNIST-C (stripe, zigzag, dotted line, canny edges). Each: (image, shape, severity, rng) → new image in [0, 1]. */
import type { Rng } from '../../random';
import { bySeverity, gaussianBlur, mix, plotMax, scaled, type ImageShape, type Severity } from './image-ops';

/** Stripe: 1 … 7 bands of ~2 px (at 28 px) inverted (x → 1 − x), vertical or horizontal; more severe adds bands. */
export function stripe(image: Float32Array, shape: ImageShape, severity: Severity, rng: Rng): Float32Array {
  const isVertical = rng.next() < 0.5;
  const extent = isVertical ? shape.width : shape.height;
  const bandWidth = Math.max(1, Math.round(scaled(shape, 2)));
  const bandCount = Math.ceil(extent / bandWidth);
  // A random order of all bands; severity k inverts the first n(k), so higher severities contain lower ones.
  const order = Array.from({ length: bandCount }, (_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  const inverted = new Uint8Array(extent);
  for (const band of order.slice(0, Math.min(bandCount, bySeverity([1, 2, 3, 5, 7], severity)))) {
    for (let k = band * bandWidth; k < Math.min(extent, (band + 1) * bandWidth); k++) inverted[k] = 1;
  }
  const out = image.slice();
  for (let y = 0; y < shape.height; y++) {
    for (let x = 0; x < shape.width; x++) {
      if (!inverted[isVertical ? x : y]) continue;
      for (let c = 0; c < shape.channels; c++) out[(y * shape.width + x) * shape.channels + c] = 1 - out[(y * shape.width + x) * shape.channels + c];
    }
  }
  return out;
}

/** Zigzag: 1 … 5 bright zigzag lines across the image (random height, amplitude, period and slope each). */
export function zigzag(image: Float32Array, shape: ImageShape, severity: Severity, rng: Rng): Float32Array {
  const out = image.slice();
  const lines = Array.from({ length: 5 }, () => ({ y0: rng.next(), slope: rng.next() - 0.5, amplitude: 0.5 + rng.next(), period: 3 + 4 * rng.next(), isTransposed: rng.next() < 0.5 }));
  for (const line of lines.slice(0, bySeverity([1, 2, 3, 4, 5], severity))) {
    const along = line.isTransposed ? shape.height : shape.width;
    const across = line.isTransposed ? shape.width : shape.height;
    const amplitude = scaled(shape, 2 * line.amplitude);
    const period = scaled(shape, line.period);
    for (let t = 0; t <= along; t += 0.25) {
      // Triangle wave in [-1, 1] with the given period.
      const phase = (t / period) % 1;
      const wave = 4 * Math.abs(phase - 0.5) - 1;
      const s = line.y0 * across + line.slope * (t - along / 2) + amplitude * wave;
      if (line.isTransposed) plotMax(out, shape, s, t, 1);
      else plotMax(out, shape, t, s, 1);
    }
  }
  return out;
}

/** Dotted line: 1 … 5 straight lines of bright dots every ~3 px between random points on the border. */
export function dottedLine(image: Float32Array, shape: ImageShape, severity: Severity, rng: Rng): Float32Array {
  const out = image.slice();
  const { width: w, height: h } = shape;
  const lines = Array.from({ length: 5 }, () => [rng.next(), rng.next(), rng.next(), rng.next()] as const);
  const spacing = Math.max(2, scaled(shape, 3));
  for (const [a, b, c, d] of lines.slice(0, bySeverity([1, 2, 3, 4, 5], severity))) {
    // From a point on the left/top edge to one on the right/bottom edge.
    const [x0, y0, x1, y1] = a < 0.5 ? [0, b * (h - 1), w - 1, c * (h - 1)] : [b * (w - 1), 0, c * (w - 1), h - 1];
    const length = Math.hypot(x1 - x0, y1 - y0);
    const offset = d * spacing;
    for (let t = offset; t <= length; t += spacing) plotMax(out, shape, x0 + ((x1 - x0) * t) / length, y0 + ((y1 - y0) * t) / length, 1);
  }
  return out;
}

/** Canny edges: the image blended towards its Canny edge map (white edges on black), weight 0.2 … 1.0. */
export function cannyEdges(image: Float32Array, shape: ImageShape, severity: Severity): Float32Array {
  const weight = bySeverity([0.2, 0.4, 0.6, 0.8, 1], severity);
  const edges = cannyEdgeMap(image, shape);
  const edgeImage = new Float32Array(image.length);
  for (let i = 0; i < image.length; i++) edgeImage[i] = edges[Math.floor(i / shape.channels)];
  return mix(image, edgeImage, weight);
}

/** Canny edge map (1 edge, 0 not): Gaussian smoothing, Sobel gradient, non-maximum suppression, hysteresis at 10 % / 25 % of the peak. */
export function cannyEdgeMap(image: Float32Array, shape: ImageShape): Uint8Array {
  const { height, width, channels } = shape;
  const grey = new Float32Array(height * width);
  for (let p = 0; p < grey.length; p++) {
    for (let c = 0; c < channels; c++) grey[p] += image[p * channels + c] / channels;
  }
  const g = gaussianBlur(grey, { height, width, channels: 1 }, scaled(shape, 0.7));
  const at = (x: number, y: number): number => g[Math.min(height - 1, Math.max(0, y)) * width + Math.min(width - 1, Math.max(0, x))];
  const magnitude = new Float32Array(g.length);
  const direction = new Uint8Array(g.length);
  let peak = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const gx = at(x + 1, y - 1) + 2 * at(x + 1, y) + at(x + 1, y + 1) - at(x - 1, y - 1) - 2 * at(x - 1, y) - at(x - 1, y + 1);
      const gy = at(x - 1, y + 1) + 2 * at(x, y + 1) + at(x + 1, y + 1) - at(x - 1, y - 1) - 2 * at(x, y - 1) - at(x + 1, y - 1);
      const i = y * width + x;
      magnitude[i] = Math.hypot(gx, gy);
      peak = Math.max(peak, magnitude[i]);
      // Quantise the gradient direction into 4 bins: 0°, 45°, 90°, 135°.
      direction[i] = Math.round(((Math.atan2(gy, gx) * 4) / Math.PI + 8) % 4) % 4;
    }
  }
  const steps = [
    [1, 0],
    [1, 1],
    [0, 1],
    [-1, 1],
  ];
  const mag = (x: number, y: number): number => (x < 0 || y < 0 || x >= width || y >= height ? 0 : magnitude[y * width + x]);
  const strong = 0.25 * peak;
  const weak = 0.1 * peak;
  const edges = new Uint8Array(g.length);
  const candidate = new Uint8Array(g.length);
  const stack: number[] = [];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const [dx, dy] = steps[direction[i]];
      const m = magnitude[i];
      if (peak === 0 || m < weak || m < mag(x + dx, y + dy) || m < mag(x - dx, y - dy)) continue;
      candidate[i] = 1;
      if (m >= strong) {
        edges[i] = 1;
        stack.push(i);
      }
    }
  }
  // Hysteresis: weak candidates join when connected (8-neighbourhood) to a strong edge.
  while (stack.length > 0) {
    const i = stack.pop() as number;
    const [x, y] = [i % width, Math.floor(i / width)];
    for (let ny = y - 1; ny <= y + 1; ny++) {
      for (let nx = x - 1; nx <= x + 1; nx++) {
        const j = ny * width + nx;
        if (nx < 0 || ny < 0 || nx >= width || ny >= height || edges[j] || !candidate[j]) continue;
        edges[j] = 1;
        stack.push(j);
      }
    }
  }
  return edges;
}

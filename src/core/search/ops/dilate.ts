import * as tf from '@tensorflow/tfjs';
import { depthwiseFilterGrad, depthwiseInputGrad } from '../../tfjs/conv-grad';

/** Spreads the rows (axis 0) of a [kh,kw,c,m] kernel `rate` apart, zeros in between. */
function dilateRows(kernel: tf.Tensor4D, rate: number): tf.Tensor4D {
  const [kh, kw, c, m] = kernel.shape;
  const rows = kernel.reshape([kh, 1, kw * c * m]);
  const gaps = tf.zeros([kh, rate - 1, kw * c * m]);
  const spread = tf.concat([rows, gaps], 1).reshape([kh * rate, kw, c, m]);
  return spread.slice([0, 0, 0, 0], [(kh - 1) * rate + 1, kw, c, m]) as tf.Tensor4D;
}

/**
 * Zero-interleaved kernel: [k,k,c,m] → [(k-1)·rate+1, (k-1)·rate+1, c, m], so that a plain
 * (undilated) convolution with it equals the dilated convolution. Built only from reshape,
 * concat, slice and transpose on tensors of rank ≤ 4, which have gradients on every backend
 * (tfjs has none for dilated convs, and rank-5/6 pad is broken on WebGPU).
 */
export function dilateKernel(kernel: tf.Tensor4D, rate: number): tf.Tensor4D {
  if (!Number.isInteger(rate) || rate < 1) throw new RangeError(`Dilation rate must be a positive integer, got ${rate}.`);
  if (rate === 1) return kernel.clone();
  return tf.tidy(() => {
    const tall = dilateRows(kernel, rate);
    const wide = dilateRows(tall.transpose([1, 0, 2, 3]), rate);
    return wide.transpose([1, 0, 2, 3]);
  });
}

/**
 * The reference construction: an undilated depthwise conv with the zero-interleaved kernel
 * ((2k−1)² taps for rate 2). Kept for tests and for rates other than 2.
 */
export function dilatedDepthwiseByKernel(x: tf.Tensor4D, kernel: tf.Tensor4D, stride: number, rate: number): tf.Tensor4D {
  return tf.tidy(() => tf.depthwiseConv2d(x, dilateKernel(kernel, rate), stride, 'same'));
}

/** TF 'same' padding [before, after] for a window `size` and `stride`. */
function samePads(length: number, size: number, stride: number): [number, number] {
  const out = Math.ceil(length / stride);
  const total = Math.max((out - 1) * stride + size - length, 0);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

/** x[:, r::2, c::2, :] of an even-sized [N,H,W,C] tensor, by rank-4 reshapes and slices. */
function phase(x: tf.Tensor4D, r: number, c: number): tf.Tensor4D {
  const [n, h, w, ch] = x.shape;
  const rows = tf.slice(tf.reshape(x, [n, h / 2, 2 * w, ch]) as tf.Tensor4D, [0, 0, r * w, 0], [n, h / 2, w, ch]);
  return tf.slice(tf.reshape(rows, [n, h / 2, w / 2, 2 * ch]) as tf.Tensor4D, [0, 0, 0, c * ch], [n, h / 2, w / 2, ch]);
}

/**
 * Rate-2 dilated depthwise convolution, 'same' padding, stride 1 or 2, by phase decomposition:
 * a rate-2 tap grid only meets pixels of one row parity and one column parity, so the dilated
 * conv is an undilated k×k 'valid' conv on each phase sub-image of the padded input (stride 2
 * needs only phase (0,0)), interleaved back: k² taps per output instead of (2k−1)², and only
 * rank-4 pad, reshape, slice and concat (rank-5/6 pad is broken on WebGPU).
 */
export function dilatedByPhases(x: tf.Tensor4D, kernel: tf.Tensor4D, stride: number): tf.Tensor4D {
  return tf.tidy(() => {
    const [n, h, w, c] = x.shape;
    const effective = 2 * kernel.shape[0] - 1;
    const pad = (length: number): [number, number] => {
      const [before, after] = samePads(length, effective, stride);
      return [before, after + ((length + before + after) % 2)];
    };
    const padded = tf.pad(x, [[0, 0], pad(h), pad(w), [0, 0]]) as tf.Tensor4D;
    if (stride === 2) return tf.depthwiseConv2d(phase(padded, 0, 0), kernel, 1, 'valid');
    // Stride 1: the four phases in one batch, one conv, then interleave columns and rows back.
    const phases = tf.concat([phase(padded, 0, 0), phase(padded, 0, 1), phase(padded, 1, 0), phase(padded, 1, 1)], 0) as tf.Tensor4D;
    const conv = tf.depthwiseConv2d(phases, kernel, 1, 'valid');
    const [, ho, wo] = conv.shape;
    const part = (i: number) => tf.slice(conv, [i * n, 0, 0, 0], [n, ho, wo, c]);
    const row = (a: tf.Tensor4D, b: tf.Tensor4D) => tf.reshape(tf.concat([a, b], 3), [n, ho, 2 * wo, c]) as tf.Tensor4D;
    const full = tf.reshape(tf.concat([row(part(0), part(1)), row(part(2), part(3))], 2), [n, 2 * ho, 2 * wo, c]) as tf.Tensor4D;
    return 2 * ho === h && 2 * wo === w ? full : (tf.slice(full, [0, 0, 0, 0], [n, h, w, c]) as tf.Tensor4D);
  });
}

/**
 * Backends whose own forward depthwise kernel takes dilations and whose composed gradients
 * (conv-grad.ts) are tested here. Elsewhere (WebGL, WebGPU) the rank-4 constructions below run.
 */
const NATIVE_DILATION_BACKENDS: ReadonlySet<string> = new Set(['wasm', 'cpu']);

/**
 * Stride-1 dilated depthwise convolution, 'same' padding, as the backend's own dilated kernel
 * (XNNPACK on wasm) with the gradient tfjs lacks — its DepthwiseConv2dNative gradient refuses
 * dilations — composed from forward convolutions (conv-grad.ts): one kernel forward instead of
 * the phases' pad, eight slices and three concats, and two backward.
 */
export function dilatedNative(x: tf.Tensor4D, kernel: tf.Tensor4D, rate: number): tf.Tensor4D {
  // customGrad's typing passes inputs and `save` as one rest list.
  const conv = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [input, filter] = args as [tf.Tensor4D, tf.Tensor4D];
    (args[2] as tf.GradSaveFunc)([input, filter]);
    return {
      value: tf.depthwiseConv2d(input, filter, 1, 'same', 'NHWC', rate),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, ks] = saved as [tf.Tensor4D, tf.Tensor4D];
        return tf.tidy(() => [depthwiseInputGrad(xs.shape, dy as tf.Tensor4D, ks, 1, 'same', rate), depthwiseFilterGrad(xs, dy as tf.Tensor4D, ks.shape, 1, 'same', rate)]);
      },
    };
  });
  return conv(x, kernel) as tf.Tensor4D;
}

/**
 * Dilated depthwise convolution with 'same' padding and any stride, differentiable. At stride 1
 * on wasm and cpu the backend's own dilated kernel runs (dilatedNative; tfjs forbids dilation
 * with stride 2). Otherwise rate 2 at stride 2 or with k ≥ 5 goes through the phases, and a 3×3
 * kernel at stride 1 keeps the zero-interleaved 5×5 kernel. Measured on Node wasm (one cell
 * forward + backward, mnist-cnn conv unit 2 shapes): paper preset ≈ 19 % less CPU time than the
 * kernel path everywhere; phases for 3×3 at stride 1 too were ≈ 5 % slower (the reshuffles cost
 * more than the 16 taps saved).
 */
export function dilatedDepthwiseConv2d(x: tf.Tensor4D, kernel: tf.Tensor4D, stride: number, rate: number): tf.Tensor4D {
  if (stride === 1 && NATIVE_DILATION_BACKENDS.has(tf.getBackend())) return dilatedNative(x, kernel, rate);
  const usePhases = rate === 2 && (stride === 2 || (stride === 1 && kernel.shape[0] >= 5));
  return usePhases ? dilatedByPhases(x, kernel, stride) : dilatedDepthwiseByKernel(x, kernel, stride, rate);
}

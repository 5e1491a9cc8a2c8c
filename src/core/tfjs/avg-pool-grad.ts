import * as tf from '@tensorflow/tfjs';

/**
 * tfjs 4.22's AvgPool gradient divides every window by its full size, but the forward pass
 * averages 'same'-padded border windows over their in-bounds pixels only, so border gradients
 * come out too small. The fix rescales dy by (window size / in-bounds count) before handing
 * it to the original gradient, which then divides by the full size again.
 */
interface AvgPoolAttrs {
  filterSize: number | [number, number];
  strides: number | [number, number];
  pad: 'valid' | 'same' | number;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

const pair = (v: number | [number, number]): [number, number] => (typeof v === 'number' ? [v, v] : v);
let isRegistered = false;

/** In-bounds pixels per output window, [1, outH, outW, 1]. */
export function windowCounts(height: number, width: number, attrs: AvgPoolAttrs): tf.Tensor4D {
  const [fh, fw] = pair(attrs.filterSize);
  return tf.tidy(() => tf.conv2d(tf.ones([1, height, width, 1]), tf.ones([fh, fw, 1, 1]) as tf.Tensor4D, attrs.strides, attrs.pad, 'NHWC', 1, attrs.dimRoundingMode));
}

/** Registers the corrected AvgPool gradient once. */
export function registerAvgPoolGradientFix(): void {
  if (isRegistered) return;
  const original = tf.getGradient(tf.AvgPool);
  if (!original) return;
  tf.registerGradient({
    ...original,
    gradFunc: (dy, saved, attrs) => {
      const a = attrs as unknown as AvgPoolAttrs;
      if (a.pad === 'valid' || a.pad === 0) return original.gradFunc(dy, saved, attrs);
      const [x] = saved as [tf.Tensor4D];
      const [fh, fw] = pair(a.filterSize);
      return {
        x: () => {
          const scaled = (dy as tf.Tensor4D).mul(windowCounts(x.shape[1], x.shape[2], a).reciprocal().mul(fh * fw));
          return original.gradFunc(scaled, saved, attrs).x();
        },
      };
    },
  });
  isRegistered = true;
}

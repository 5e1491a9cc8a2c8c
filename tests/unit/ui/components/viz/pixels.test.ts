import { describe, expect, it } from 'vitest';
import { imageRgba } from '../../../../../src/ui/components/viz/pixels';
import { opFamily, scaleColor, textColorOn } from '../../../../../src/ui/theme';

describe('image and colour mapping', () => {
  it('turns grey NHWC floats of one image into opaque RGBA bytes, clamped', () => {
    const pixels = new Float32Array([0, 1, 0.5, 2, /* image 1 */ -1, 0.25, 1, 0]);
    const rgba = imageRgba(pixels, [2, 2, 2, 1], 1);
    expect(Array.from(rgba)).toEqual([0, 0, 0, 255, 64, 64, 64, 255, 255, 255, 255, 255, 0, 0, 0, 255]);
  });

  it('keeps RGB channels apart', () => {
    const pixels = new Float32Array([1, 0, 0.5, 0, 1, 0]);
    expect(Array.from(imageRgba(pixels, [1, 1, 2, 3], 0))).toEqual([255, 0, 128, 255, 0, 255, 0, 255]);
  });

  it('maps scale ends to their colours, clamps, and picks readable text', () => {
    expect(scaleColor(0)).toBe('rgb(68, 1, 84)');
    expect(scaleColor(1)).toBe('rgb(253, 231, 37)');
    expect(scaleColor(5)).toBe(scaleColor(1));
    expect(scaleColor(Number.NaN)).toBe(scaleColor(0));
    expect(textColorOn(0)).toBe('#ffffff');
    expect(textColorOn(1)).toBe('#000000');
    expect(textColorOn(0, 'heat')).toBe('#000000');
    expect(textColorOn(1, 'heat')).toBe('#ffffff');
  });

  it('groups DARTS ops into families', () => {
    expect(['none', 'skip_connect', 'max_pool_3x3', 'avg_pool_3x3', 'sep_conv_5x5', 'dil_conv_3x3', 'conv_7x1_1x7'].map(opFamily))
      .toEqual(['none', 'skip', 'pool', 'pool', 'sep_conv', 'dil_conv', 'other']);
  });
});

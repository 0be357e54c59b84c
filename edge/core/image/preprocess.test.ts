import { describe, expect, it } from 'vitest';
import type { ManifestInput } from '../manifest.ts';
import type { RgbaImage } from './decode.ts';
import { cropRegion, preprocessImage } from './preprocess.ts';

const input = (over: Partial<ManifestInput['preprocess']> = {}, channels: 1 | 3 = 3, size = 2): ManifestInput => ({
  channels,
  width: size,
  height: size,
  layout: 'NCHW',
  range: [0, 1],
  preprocess: { crop: { kind: 'none' }, resize: 'area', grayscale: channels === 1, ...over },
});

function image(width: number, height: number, pixel: (x: number, y: number) => [number, number, number, number]): RgbaImage {
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set(pixel(x, y), (y * width + x) * 4);
  return { width, height, data };
}

describe('preprocessImage', () => {
  it('crops by rule', () => {
    expect(cropRegion({ kind: 'center-square' }, 200, 100)).toEqual({ left: 50, top: 0, width: 100, height: 100 });
    expect(cropRegion({ kind: 'box', left: 0.25, top: 0.5, width: 0.5, height: 0.5 }, 200, 100)).toEqual({ left: 50, top: 50, width: 100, height: 50 });
  });

  it('centre-crops a wide image and area-averages it down, channel-major', () => {
    // 8×4: red left quarter, blue right quarter, green middle; the square crop keeps only green.
    const wide = image(8, 4, (x) => (x < 2 ? [255, 0, 0, 255] : x >= 6 ? [0, 0, 255, 255] : [0, 255, 0, 255]));
    const out = preprocessImage(wide, input({ crop: { kind: 'center-square' } }));
    expect(Array.from(out)).toEqual([0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0]);
    const checker = image(4, 4, (x, y) => ((x + y) % 2 ? [255, 255, 255, 255] : [0, 0, 0, 255]));
    expect(Array.from(preprocessImage(checker, input({}, 1))).every((v) => Math.abs(v - 0.5) < 1e-6)).toBe(true);
  });

  it('converts to grey by luma, composites transparency over white, and inverts light backgrounds on request', () => {
    const red = image(2, 2, () => [255, 0, 0, 255]);
    expect(preprocessImage(red, input({}, 1))[0]).toBeCloseTo(0.299, 5);
    const clear = image(2, 2, () => [0, 0, 0, 0]);
    expect(Array.from(preprocessImage(clear, input({}, 1)))).toEqual([1, 1, 1, 1]);
    const drawing = image(3, 3, (x, y) => (x === 1 && y === 1 ? [0, 0, 0, 255] : [255, 255, 255, 255]));
    const inverted = preprocessImage(drawing, input({ invertIfLightBackground: true, resize: 'bilinear' }, 1, 3));
    expect(Array.from(inverted)).toEqual([0, 0, 0, 0, 1, 0, 0, 0, 0]);
  });
});

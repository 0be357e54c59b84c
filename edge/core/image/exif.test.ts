import jpeg from 'jpeg-js';
import { describe, expect, it } from 'vitest';
import { syntheticJpeg, withExifOrientation } from '../../testing/images.ts';
import { decodeImage } from './decode.ts';
import { applyOrientation, jpegOrientation, type Orientation } from './exif.ts';

/** A 3×2 image whose six pixels are told apart by their red value (10, 20, … 60, row by row). */
const labelled = { width: 3, height: 2, data: new Uint8Array([10, 20, 30, 40, 50, 60].flatMap((r) => [r, 0, 0, 255])) };
const reds = (image: { data: Uint8Array }) => Array.from(image.data.filter((_, i) => i % 4 === 0));

describe('EXIF orientation', () => {
  it('reads the tag a phone writes, and 1 where there is none or it is malformed', () => {
    const plain = syntheticJpeg(1);
    expect(jpegOrientation(plain)).toBe(1);
    for (const o of [1, 2, 3, 4, 5, 6, 7, 8]) expect(jpegOrientation(withExifOrientation(plain, o))).toBe(o);
    expect(jpegOrientation(withExifOrientation(plain, 9))).toBe(1);
    expect(jpegOrientation(withExifOrientation(plain, 6).subarray(0, 20))).toBe(1);
    expect(jpegOrientation(new Uint8Array([0x89, 0x50]))).toBe(1);
  });

  it('turns the pixels as viewers do (6: 90° clockwise, 8: counter-clockwise, 3: half turn, 2: mirror)', () => {
    const cases: [Orientation, number, number, number[]][] = [
      [2, 3, 2, [30, 20, 10, 60, 50, 40]],
      [3, 3, 2, [60, 50, 40, 30, 20, 10]],
      [4, 3, 2, [40, 50, 60, 10, 20, 30]],
      [5, 2, 3, [10, 40, 20, 50, 30, 60]],
      [6, 2, 3, [40, 10, 50, 20, 60, 30]],
      [7, 2, 3, [60, 30, 50, 20, 40, 10]],
      [8, 2, 3, [30, 60, 20, 50, 10, 40]],
    ];
    for (const [orientation, width, height, expected] of cases) {
      const turned = applyOrientation(labelled, orientation);
      expect([turned.width, turned.height, ...reds(turned)], `orientation ${orientation}`).toEqual([width, height, ...expected]);
    }
  });

  it('is applied by decodeImage, so an upright phone photo stored sideways comes out upright', () => {
    const sideways = jpeg.encode({ width: 40, height: 20, data: new Uint8Array(40 * 20 * 4).map((_, i) => (i % 4 === 3 ? 255 : (i >> 2) % 40 < 20 ? 250 : 5)) }, 95);
    const image = decodeImage(withExifOrientation(new Uint8Array(sideways.data), 6));
    expect([image.width, image.height]).toEqual([20, 40]);
    // Stored: bright left half. Turned 90° clockwise, the left half becomes the top.
    expect(image.data[0]).toBeGreaterThan(200);
    expect(image.data[(39 * 20) * 4]).toBeLessThan(50);
  });
});

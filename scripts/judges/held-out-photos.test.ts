import { describe, expect, it } from 'vitest';
import { Random } from '#core/random.ts';
import { background, composePhoto, randomPlacement } from './held-out-photos.ts';

/** A synthetic 89×109 "face": solid red, so where it lands in the photo is easy to check. */
const face = { width: 89, height: 109, data: new Uint8Array(89 * 109 * 4).map((_, i) => (i % 4 === 0 || i % 4 === 3 ? 255 : 0)) };

describe('held-out photos', () => {
  it('are the same for the same seed and differ for another', () => {
    const small = { width: 30, height: 36, data: face.data.subarray(0, 30 * 36 * 4) };
    const make = (seed: number) => {
      const random = Random.fromSeed(seed);
      const placement = randomPlacement(small, 160, 128, random);
      return composePhoto(small, placement, background(160, 128, random), 160, 128).data;
    };
    expect(make(3)).toEqual(make(3));
    expect(make(3)).not.toEqual(make(4));
  });

  it('keep the enlarged, rotated face wholly inside the photo', () => {
    const random = Random.fromSeed(1);
    for (let k = 0; k < 200; k++) {
      const { scale, rotationDegrees, centre } = randomPlacement(face, 640, 480, random);
      expect(scale).toBeGreaterThanOrEqual(2.5);
      expect(scale).toBeLessThanOrEqual(3.5);
      expect(Math.abs(rotationDegrees)).toBeLessThanOrEqual(15);
      const t = (rotationDegrees * Math.PI) / 180;
      for (const [x, y] of [[-1, -1], [1, -1], [-1, 1], [1, 1]]) {
        const dx = (x * face.width * scale) / 2;
        const dy = (y * face.height * scale) / 2;
        const px = centre[0] + dx * Math.cos(t) - dy * Math.sin(t);
        const py = centre[1] + dx * Math.sin(t) + dy * Math.cos(t);
        expect(px).toBeGreaterThanOrEqual(-1e-6);
        expect(px).toBeLessThanOrEqual(640 + 1e-6);
        expect(py).toBeGreaterThanOrEqual(-1e-6);
        expect(py).toBeLessThanOrEqual(480 + 1e-6);
      }
    }
  });

  it('show the face at its placement and the background elsewhere', () => {
    const flat = new Float32Array(640 * 480 * 3).fill(40);
    const photo = composePhoto(face, { scale: 3, rotationDegrees: 10, centre: [200, 240] }, flat, 640, 480);
    const pixel = (x: number, y: number) => Array.from(photo.data.subarray((y * 640 + x) * 4, (y * 640 + x) * 4 + 3));
    expect(pixel(200, 240)).toEqual([255, 0, 0]);
    expect(pixel(600, 50)).toEqual([40, 40, 40]);
  });
});

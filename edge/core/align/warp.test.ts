import { describe, expect, it } from 'vitest';
import type { RgbaImage } from '../image/decode.ts';
import { warpToPlanes, type WarpOptions } from './warp.ts';

function noiseImage(width: number, height: number, seed: number): RgbaImage {
  const data = new Uint8Array(width * height * 4);
  let state = seed;
  for (let i = 0; i < data.length; i++) {
    state = (state * 1103515245 + 12345) % 2147483648;
    data[i] = state >> 23;
  }
  return { width, height, data };
}

describe('warpToPlanes', () => {
  const image = noiseImage(37, 29, 7);
  const cases: [string, WarpOptions][] = [
    ['a letterbox with black padding', { outputToSource: { a: 37 / 32, b: 0, tx: 0, ty: 0 }, width: 32, height: 32, outside: 'zero' }],
    ['a centred, shrunk look', { outputToSource: { a: 2.3, b: 0, tx: -18.5, ty: -22.5 }, width: 32, height: 32, outside: 'zero' }],
    [
      'a crop limited to a valid box',
      { outputToSource: { a: 0.4, b: 0, tx: 5.3, ty: 3.1 }, width: 28, height: 24, outside: 'zero', valid: { left: 6, top: 4, width: 9.5, height: 8 } },
    ],
    ['an enlargement with clamped edges', { outputToSource: { a: 0.7, b: 0, tx: -4, ty: 2.5 }, width: 60, height: 50, outside: 'clamp' }],
  ];

  it.each(cases)('samples %s without rotation exactly as the general rotated path does', (_, options) => {
    // A rotation too small to move any sample still takes the per-pixel path: the reference for the per-row one.
    const reference = warpToPlanes(image, { ...options, outputToSource: { ...options.outputToSource, b: 1e-300 } });
    expect(warpToPlanes(image, options)).toEqual(reference);
  });

  it('reads each output pixel centre bilinearly and leaves black outside the photo', () => {
    // Red rises left to right (0, 100), green top to bottom (0, 80).
    const twoByTwo: RgbaImage = { width: 2, height: 2, data: new Uint8Array([0, 0, 0, 255, 100, 0, 0, 255, 0, 80, 0, 255, 100, 80, 0, 255]) };
    const planes = warpToPlanes(twoByTwo, { outputToSource: { a: 0.5, b: 0, tx: 0.5, ty: 0.5 }, width: 8, height: 8, outside: 'zero' });
    // Output pixel (1, 1) has its centre at source index (0.75, 0.75): 0.25·0 + 0.75·100 red, 0.75·80 green.
    expect(planes[1 * 8 + 1]).toBeCloseTo(75, 5);
    expect(planes[64 + 1 * 8 + 1]).toBeCloseTo(60, 5);
    expect(planes[7 * 8 + 7]).toBe(0);
  });
});

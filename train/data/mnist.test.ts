import { describe, expect, it } from 'vitest';
import { inkSlant, loadMnist } from './mnist.ts';

describe('loadMnist', () => {
  it('derives label and pixel attributes, keeping the continuous values', () => {
    const data = loadMnist(20);
    expect(data.count).toBe(200);
    expect(data.shape).toEqual([1, 28, 28]);
    const label = data.labels!.values;
    expect(Array.from(data.attributes.odd)).toEqual(Array.from(label, (l) => (l % 2 ? 1 : -1)));
    expect(data.attributes.digit_7.filter((v) => v === 1).length).toBe(20);
    expect(data.attributes.thickness.filter((v) => v === 1).length).toBe(100);
    const thick = data.continuous.thickness;
    const i = thick.indexOf(Math.max(...thick));
    expect(data.attributes.thickness[i]).toBe(1);
    expect(data.images.every((v) => v >= 0 && v <= 1)).toBe(true);
  });

  it('measures slant as positive for strokes whose top leans right', () => {
    const image = new Float32Array(28 * 28);
    for (let y = 4; y < 24; y++) image[y * 28 + Math.round(20 - y / 2)] = 1;
    expect(inkSlant(image, 28, 28)).toBeCloseTo(0.5, 1);
    const mirrored = new Float32Array(28 * 28);
    for (let y = 0; y < 28; y++) for (let x = 0; x < 28; x++) mirrored[y * 28 + x] = image[y * 28 + 27 - x];
    expect(inkSlant(mirrored, 28, 28)).toBeCloseTo(-0.5, 1);
  });
});

import { describe, expect, it } from 'vitest';
import type { Dataset } from '../data/dataset.ts';
import { calibrationImages, editResult, suggestStrength, type EditCurve } from './edits.ts';

const curve = (points: [number, number, number][]): EditCurve => ({
  attribute: 'a',
  judgedNegatives: 10,
  points: points.map(([strength, flipRate, otherChangeRate]) => ({ strength, flipRate, otherChangeRate })),
});

describe('suggested edit strength', () => {
  it('is, among the strengths that flip the target share, the one with the fewest side effects', () => {
    // 1 is the first to pass, but 1.5 flips enough with fewer side effects.
    expect(suggestStrength(curve([[0.5, 0.3, 0], [1, 0.72, 0.18], [1.5, 0.8, 0.12], [2, 0.95, 0.3]]), 0.7)).toBe(1.5);
    expect(suggestStrength(curve([[0.5, 0.3, 0], [1, 0.85, 0.1], [2, 1, 0.4]]), 0.8)).toBe(1);
  });
  it('takes the smaller strength on equal side effects, whatever the limit on them', () => {
    expect(suggestStrength(curve([[1, 0.75, 0.3], [2, 0.9, 0.3], [3, 1, 0.5]]), 0.7)).toBe(1);
  });
  it('falls back to the best flips-minus-side-effects when no strength reaches the target', () => {
    expect(suggestStrength(curve([[0.5, 0.2, 0], [1, 0.5, 0.05], [2, 0.6, 0.5]]), 0.8)).toBe(1);
  });
  it('ignores strengths without a measurement and defaults to 1 when none has one', () => {
    expect(suggestStrength(curve([[1, Number.NaN, Number.NaN], [2, 0.8, 0.1]]), 0.7)).toBe(2);
    expect(suggestStrength(curve([[1, Number.NaN, Number.NaN]]), 0.7)).toBe(1);
  });
  it('reports the rates at the chosen strength', () => {
    const result = editResult(curve([[1, 0.7, 0.1], [2, 0.9, 0.2]]), 2);
    expect(result).toMatchObject({ strength: 2, flipRate: 0.9, otherChangeRate: 0.2, judgedNegatives: 10 });
  });
});

describe('calibration images', () => {
  const images = (count: number): Dataset => ({
    name: 'tiny',
    shape: [1, 1, 2],
    count,
    images: Float32Array.from({ length: count * 2 }, (_, i) => i),
    ids: Array.from({ length: count }, (_, i) => String(i)),
    attributes: { a: Int8Array.from({ length: count }, (_, i) => (i % 2 ? 1 : -1)) },
    continuous: { c: new Float32Array(count) },
  });
  it('are the first training images, as many as the validation split and at least 2,000', () => {
    const picked = calibrationImages(images(3000), 100);
    expect([picked.count, picked.images.length, picked.ids.length, picked.attributes.a.length, picked.continuous.c.length]).toEqual([2000, 4000, 2000, 2000, 2000]);
    expect(picked.images[3999]).toBe(3999);
    expect(calibrationImages(images(3000), 2500).count).toBe(2500);
    expect(calibrationImages(images(500), 100).count).toBe(500);
  });
});

import { describe, expect, it } from 'vitest';
import type { Dataset } from '../data/dataset.ts';
import type { OnnxCodec } from '../report/codec.ts';
import { calibrationImages, editCurve, editResult, suggestStrength, type EditCurve } from './edits.ts';

const curve = (points: [number, number, number][]): EditCurve => ({
  attribute: 'a',
  judgedNegatives: 10,
  points: points.map(([strength, flipRate, otherChangeRate]) => ({ strength, flipRate, otherChangeRate, worstOtherChangeRate: otherChangeRate, worstOtherAttribute: 'b', anyOtherChangeRate: otherChangeRate })),
});

describe('suggested edit strength', () => {
  it('is the strength furthest inside both the flip target and the side-effect limit', () => {
    // Margins min(flips − 0.7, 0.2 − side effects): 1 → 0.02, 1.5 → 0.08, 2 → −0.1.
    expect(suggestStrength(curve([[0.5, 0.3, 0], [1, 0.72, 0.18], [1.5, 0.8, 0.12], [2, 0.95, 0.3]]), 0.7, 0.2)).toBe(1.5);
    // Not the first strength past the flip target when one a step further keeps a wider margin on both sides.
    expect(suggestStrength(curve([[1, 0.71, 0.05], [2, 0.85, 0.08], [3, 0.99, 0.19]]), 0.7, 0.2)).toBe(2);
  });
  it('takes the smaller strength on equal margins', () => {
    expect(suggestStrength(curve([[1, 0.8, 0.1], [2, 0.8, 0.1], [3, 1, 0.5]]), 0.7, 0.2)).toBe(1);
  });
  it('picks the best compromise when no strength meets both limits', () => {
    expect(suggestStrength(curve([[0.5, 0.2, 0], [1, 0.5, 0.05], [2, 0.6, 0.6]]), 0.8, 0.2)).toBe(1);
  });
  it('ignores strengths without a measurement and defaults to 1 when none has one', () => {
    expect(suggestStrength(curve([[1, Number.NaN, Number.NaN], [2, 0.8, 0.1]]), 0.7, 0.2)).toBe(2);
    expect(suggestStrength(curve([[1, Number.NaN, Number.NaN]]), 0.7, 0.2)).toBe(1);
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

describe('edit curve', () => {
  // Codes are the pixels themselves, and the judge says "yes" to attribute i when pixel i is positive.
  const identity = { pixels: 3, dim: 3, encode: async (x: Float32Array) => x.slice(), decode: async (z: Float32Array) => z.slice() } as unknown as OnnxCodec;
  const judge = async (images: Float32Array) => images.map((v) => (v > 0 ? 1 : 0));
  const dataset: Dataset = {
    name: 'toy',
    shape: [3, 1, 1],
    count: 4,
    images: Float32Array.from([-1, -1, -1, -1, -0.5, -1, -1, -2, -1, -1, -3, -1]),
    ids: ['0', '1', '2', '3'],
    attributes: { a: Int8Array.from([-1, -1, -1, -1]) },
    continuous: {},
  };

  it('counts flips and the side effects per pair, for the worst other attribute and per image', async () => {
    const probe = { codec: identity, judge, judgeAttributes: ['a', 'b', 'c'], dataset, maxImages: 10 };
    const { judgedNegatives, points } = await editCurve(probe, 'a', Float32Array.from([2, 1, 0]), [1]);
    expect(judgedNegatives).toBe(4);
    // Only image 1 crosses into "b" (−0.5 + 1 > 0); "c" never changes.
    expect(points[0]).toEqual({ strength: 1, flipRate: 1, otherChangeRate: 1 / 8, worstOtherChangeRate: 1 / 4, worstOtherAttribute: 'b', anyOtherChangeRate: 1 / 4 });
  });
});

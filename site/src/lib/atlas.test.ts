import { describe, expect, it } from 'vitest';
import { atlasIndexSchema, latentAt, nearestItem, pointToLatent } from './atlas.ts';

const atlas = atlasIndexSchema.parse({
  image: 'atlas.png',
  grid: 2,
  thumbnail: 8,
  bounds: { x: [-1, 1], y: [-10, 10] },
  projection: { mean: [1, 2, 3], axes: [[1, 0, 0], [0, 0, 1]] },
  items: [
    { x: -0.5, y: 5, column: 0, row: 0 },
    { x: 0.5, y: -5, column: 1, row: 1 },
  ],
});

describe('latent map index', () => {
  it('decodes a map point along the two projection axes around the mean', () => {
    expect(Array.from(pointToLatent(atlas, [2, -1]))).toEqual([3, 2, 2]);
  });

  it('finds the nearest item relative to each axis extent', () => {
    // In raw units item 1 is nearer (y dominates); relative to the 2-wide, 20-tall map item 0 is.
    expect(nearestItem(atlas, [-0.45, -1])).toBe(0);
    expect(nearestItem(atlas, [0.45, 1])).toBe(1);
  });

  it('refuses inverted bounds', () => {
    expect(atlasIndexSchema.safeParse({ ...atlas, bounds: { x: [1, -1], y: [0, 1] } }).success).toBe(false);
  });

  it('decodes a point from the real codes nearest it, and the plane only without codes', () => {
    const withCodes = atlasIndexSchema.parse({
      ...atlas,
      items: [
        { x: -0.5, y: 5, column: 0, row: 0, code: [10, 0, 0] },
        { x: 0.5, y: -5, column: 1, row: 1, code: [0, 10, 0] },
      ],
    });
    expect(Array.from(latentAt(withCodes, [-0.5, 5]))).toEqual([10, 0, 0]);
    // Halfway between the two, each weighs the same; nearer one item, its code dominates.
    expect(Array.from(latentAt(withCodes, [0, 0]))).toEqual([5, 5, 0]);
    const near = latentAt(withCodes, [-0.4, 4]);
    expect(near[0]).toBeGreaterThan(9);
    expect(near[0] + near[1]).toBeCloseTo(10, 5);
    expect(Array.from(latentAt(atlas, [2, -1]))).toEqual(Array.from(pointToLatent(atlas, [2, -1])));
  });
});

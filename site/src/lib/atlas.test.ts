import { describe, expect, it } from 'vitest';
import { atlasIndexSchema, nearestItem, pointToLatent } from './atlas.ts';

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
});

import { decode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { buildAtlas, fitMapProjection, projectCodes } from './map.ts';

describe('latent map', () => {
  it('projects codes on their two main axes', () => {
    // Codes spread mostly along (1,1,0), then along (0,0,1).
    const codes = new Float32Array(60 * 3);
    for (let n = 0; n < 60; n++) codes.set([n / 10, n / 10, ((n % 5) - 2) / 10], n * 3);
    const projection = fitMapProjection(codes, 60, 3);
    expect(projection.axes[0][0]).toBeCloseTo(Math.SQRT1_2, 3);
    expect(Math.abs(projection.axes[1][2])).toBeCloseTo(1, 3);
    expect(projection.explained[0]).toBeGreaterThan(0.9);
    const points = projectCodes(projection, codes, 60);
    expect(points[2 * 59] - points[0]).toBeCloseTo(5.9 * Math.SQRT2, 2);
  });

  it('places each cell’s nearest image in a PNG grid and indexes it', () => {
    const count = 100;
    const codes = new Float32Array(count * 2);
    const images = new Float32Array(count * 4 * 4);
    for (let n = 0; n < count; n++) {
      codes.set([(n % 10) * 3, Math.floor(n / 10)], n * 2);
      images.fill(n / count, n * 16, (n + 1) * 16);
    }
    const ids = Array.from({ length: count }, (_, n) => `i${n}`);
    const { png, index } = buildAtlas(codes, 2, images, [1, 4, 4], ids, { grid: 4, thumbnail: 4 });
    const decoded = decode(png);
    expect([decoded.width, decoded.height]).toEqual([16, 16]);
    expect(index.items.length).toBe(16);
    const cells = new Set(index.items.map((i) => `${i.column},${i.row}`));
    expect(cells.size).toBe(16);
    const item = index.items[0];
    expect(item.id).toBe(`i${item.index}`);
    const pixel = decoded.data[(item.row * 4 * 16 + item.column * 4) * decoded.channels];
    expect(pixel).toBe(Math.round((item.index / count) * 255));
    expect(() => buildAtlas(codes, 2, images, [1, 4, 4], ids, { grid: 0 })).toThrow(/atlas grid 0/);
  });
});

import { decode as decodePng } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { buildAtlas, fitMapProjection, projectCodes, sampleForAtlas } from './map.ts';

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

  it('places each cell’s nearest code, decoded, in a PNG grid and indexes it with the real code', async () => {
    const count = 100;
    const codes = new Float32Array(count * 2);
    for (let n = 0; n < count; n++) codes.set([(n % 10) * 3, Math.floor(n / 10)], n * 2);
    // A stand-in decoder the test can read back: each image is filled with its code's x / 30.
    const decode = async (c: Float32Array, n: number) => Float32Array.from({ length: n * 16 }, (_, i) => c[Math.floor(i / 16) * 2] / 30);
    const ids = Array.from({ length: count }, (_, n) => `i${n}`);
    const { png, index } = await buildAtlas(codes, 2, decode, [1, 4, 4], ids, { grid: 4, thumbnail: 4 });
    const decoded = decodePng(png);
    expect([decoded.width, decoded.height]).toEqual([16, 16]);
    expect(index.items.length).toBe(16);
    expect(new Set(index.items.map((i) => `${i.column},${i.row}`)).size).toBe(16);
    expect(index.thumbnails).toBe('decoded-training-codes');
    for (const item of index.items) {
      expect(item.id).toBe(`i${item.index}`);
      expect(item.code).toEqual([codes[item.index * 2], codes[item.index * 2 + 1]]);
      const pixel = decoded.data[(item.row * 4 * 16 + item.column * 4) * decoded.channels];
      expect(pixel).toBe(Math.round((codes[item.index * 2] / 30) * 255));
    }
    await expect(buildAtlas(codes, 2, decode, [1, 4, 4], ids, { grid: 0 })).rejects.toThrow(/atlas grid 0/);
  });

  it('draws an equal share of every class from codes sorted by class', async () => {
    // 10 classes of 500 codes, sorted by class as a split by digit is: the first 4,000 would hold 8 classes.
    const count = 5000;
    const values = Int32Array.from({ length: count }, (_, n) => Math.floor(n / 500));
    const picked = sampleForAtlas(count, 400, 3, values);
    const perClass = Array.from({ length: 10 }, (_, c) => picked.filter((n) => values[n] === c).length);
    expect(perClass).toEqual(new Array(10).fill(40));
    expect(new Set(picked).size).toBe(400);
    expect(Array.from(sampleForAtlas(count, 400, 3, values))).toEqual(Array.from(picked));

    const codes = Float32Array.from({ length: count * 2 }, (_, i) => (i % 2 ? Math.sin(i) : values[i >> 1]));
    const decode = async (_c: Float32Array, n: number) => new Float32Array(n * 4);
    const names = Array.from({ length: 10 }, (_, c) => String(c));
    const { index } = await buildAtlas(codes, 2, decode, [1, 2, 2], Array.from({ length: count }, String), { grid: 10, thumbnail: 4, labels: { names, values } });
    expect(index.sample).toEqual({ kind: 'stratified', size: 4000, of: count, seed: 1 });
    expect(new Set(index.items.map((i) => i.label))).toEqual(new Set(names));
  });

  it('shuffles codes without classes, reaching past the first ones', () => {
    const picked = sampleForAtlas(1000, 100, 1);
    expect(picked.length).toBe(100);
    expect(Math.max(...picked)).toBeGreaterThan(500);
    expect(sampleForAtlas(50, 100, 1).length).toBe(50);
  });
});

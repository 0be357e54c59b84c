import { describe, expect, it } from 'vitest';
import { InputError } from './errors.ts';
import { analogy, applyAttributes, cholesky, interpolate, lerp, parseLatent, sampleLatents, slerp } from './latent.ts';

const f32 = (...v: number[]) => Float32Array.from(v);
const close = (a: ArrayLike<number>, b: ArrayLike<number>, eps = 1e-5) => Array.from(a).every((v, i) => Math.abs(v - b[i]) < eps);

describe('latent math', () => {
  it('parses latents strictly: length and finiteness, naming the bad index', () => {
    expect(parseLatent([1, 2, 3], 3)).toEqual(f32(1, 2, 3));
    expect(() => parseLatent([1, 2], 3)).toThrow(/has 2 values; this model's latent has 3/);
    expect(() => parseLatent([1, Infinity, 3], 3)).toThrow(/latent\[1\]/);
    expect(() => parseLatent([1, '2', 3], 3)).toThrow(InputError);
    expect(() => parseLatent('1,2,3', 3, 'a')).toThrow(/a must be an array/);
  });

  it('interpolates linearly and spherically with exact endpoints', () => {
    const a = f32(1, 0, 0);
    const b = f32(0, 1, 0);
    expect(lerp(a, b, 0.5)).toEqual(f32(0.5, 0.5, 0));
    const mid = slerp(a, b, 0.5);
    expect(Math.hypot(...mid)).toBeCloseTo(1, 5);
    expect(mid[0]).toBeCloseTo(Math.SQRT1_2, 5);
    const center = f32(10, 10, 10);
    const around = slerp(f32(11, 10, 10), f32(10, 11, 10), 0.5, center);
    expect(Math.hypot(around[0] - 10, around[1] - 10, around[2] - 10)).toBeCloseTo(1, 5);
    const frames = interpolate(a, b, 5, 'spherical');
    expect(frames).toHaveLength(5);
    expect(close(frames[0], a)).toBe(true);
    expect(close(frames[4], b)).toBe(true);
    expect(close(slerp(a, a, 0.3), a)).toBe(true);
  });

  it('adds several attribute vectors at once and computes analogies', () => {
    const z = f32(1, 1);
    expect(applyAttributes(z, [{ vector: [1, 0], strength: 2 }, { vector: [0, 1], strength: -0.5 }])).toEqual(f32(3, 0.5));
    expect(analogy(f32(5, 5), f32(1, 2), f32(0, 0))).toEqual(f32(4, 3));
  });

  it('factors a covariance, even a singular one', () => {
    const cov = [4, 2, 2, 3];
    const L = cholesky(cov, 2);
    expect(L[0] * L[0]).toBeCloseTo(4);
    expect(L[2] * L[0]).toBeCloseTo(2);
    expect(L[2] * L[2] + L[3] * L[3]).toBeCloseTo(3);
    expect(() => cholesky([1, 1, 1, 1], 2)).not.toThrow();
  });

  it('samples deterministically per seed, matching the stored statistics', () => {
    const stats = { dim: 2, mean: [1, -1], std: [2, 0.5] };
    expect(sampleLatents(stats, 3, 9)).toEqual(sampleLatents(stats, 3, 9));
    expect(sampleLatents(stats, 1, 9)[0]).not.toEqual(sampleLatents(stats, 1, 10)[0]);
    const many = sampleLatents(stats, 4000, 1);
    const mean0 = many.reduce((s, z) => s + z[0], 0) / many.length;
    const std1 = Math.sqrt(many.reduce((s, z) => s + (z[1] + 1) ** 2, 0) / many.length);
    expect(mean0).toBeCloseTo(1, 0);
    expect(std1).toBeCloseTo(0.5, 1);
    const correlated = sampleLatents({ ...stats, covariance: [1, 0.9, 0.9, 1] }, 4000, 2);
    const cov01 = correlated.reduce((s, z) => s + (z[0] - 1) * (z[1] + 1), 0) / correlated.length;
    expect(cov01).toBeGreaterThan(0.8);
    expect(cov01).toBeLessThan(1);
  });
  it('draws from a stored mixture: components in proportion to their weights, each with its own spread', () => {
    // Two far-apart components, weights ¼ and ¾; lowers hold each one's packed Cholesky rows (l00, l10, l11).
    const mixture = { weights: [0.25, 0.75], means: [-10, 0, 10, 0], lowers: [1, 0, 1, 0.1, 0, 0.1] };
    const stats = { dim: 2, mean: [0, 0], std: [1, 1], mixture };
    const many = sampleLatents(stats, 4000, 3);
    const left = many.filter((z) => z[0] < 0);
    expect(left.length / many.length).toBeCloseTo(0.25, 1);
    const rightSpread = Math.sqrt(many.filter((z) => z[0] > 0).reduce((s, z) => s + z[1] ** 2, 0) / (many.length - left.length));
    expect(rightSpread).toBeCloseTo(0.1, 1);
    expect(sampleLatents(stats, 5, 3)).toEqual(many.slice(0, 5));
  });
});

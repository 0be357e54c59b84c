import { describe, expect, it } from 'vitest';
import { Random } from './random.ts';

describe('Random', () => {
  it('repeats per seed and resumes exactly from a saved state', () => {
    const a = Random.fromSeed(42);
    const b = Random.fromSeed(42);
    expect([a.uniform(), a.normal()]).toEqual([b.uniform(), b.normal()]);
    const resumed = Random.fromState(a.state);
    expect(Array.from({ length: 5 }, () => resumed.uniform())).toEqual(Array.from({ length: 5 }, () => a.uniform()));
    expect(Random.fromSeed(43).uniform()).not.toEqual(Random.fromSeed(42).uniform());
  });

  it('draws normals with mean 0 and variance 1', () => {
    const xs = Random.fromSeed(7).fillNormal(new Float32Array(20000));
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    const variance = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length;
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(variance - 1)).toBeLessThan(0.05);
  });

  it('rejects seeds that are not safe integers', () => {
    expect(() => Random.fromSeed(1.5)).toThrow(/safe integer/);
  });
});

describe('Random.fromState', () => {
  it('refuses a state that is not four unsigned 32-bit integers', () => {
    expect(() => Random.fromState([1, 2, 3])).toThrow(/four 32-bit unsigned integers/);
    expect(() => Random.fromState([1, 2, 3, -4])).toThrow(/four 32-bit unsigned integers/);
    expect(() => Random.fromState([0, 0, 0, 0])).toThrow(/not all zero/);
  });
});

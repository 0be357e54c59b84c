import { describe, expect, it } from 'vitest';
import { quantizeRows } from './int8.ts';

describe('int8 weights', () => {
  it('round-trips each row within half its own scale, small rows keeping their precision', () => {
    const values = Float32Array.from([1, -0.5, 0.25, 0.001, -0.002, 0.0005, 0, 0, 0]);
    const { values: q, scales } = quantizeRows(values, 3);
    expect(Array.from(q.subarray(0, 3))).toEqual([127, -63, 32]);
    expect(Array.from(q.subarray(6))).toEqual([0, 0, 0]);
    values.forEach((v, i) => {
      const scale = scales[Math.floor(i / 3)];
      expect(Math.abs(q[i] * scale - v)).toBeLessThanOrEqual((scale / 2) * (1 + 1e-4));
    });
    expect(scales[1]).toBeCloseTo(0.002 / 127, 10);
  });

  it('refuses a row count that does not divide the weights', () => {
    expect(() => quantizeRows(new Float32Array(10), 3)).toThrow(/10 weights into 3 rows/);
  });
});

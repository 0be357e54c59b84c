import { describe, expect, it } from 'vitest';
import { Random } from '#core/random.ts';
import { accuracyAt, balancedThreshold, kernelInceptionDistance, laplacianVariance, median, rank1Hits, rocAuc } from './metrics.ts';

const unit = (...v: number[]) => {
  const n = Math.hypot(...v);
  return Float32Array.from(v, (x) => x / n);
};

describe('judge metrics', () => {
  it('AUC is 1 for a perfect ranking, 0.5 for ties, 0 for a reversed one', () => {
    expect(rocAuc([0.1, 0.2, 0.8, 0.9], [false, false, true, true])).toBe(1);
    expect(rocAuc([0.5, 0.5, 0.5, 0.5], [false, true, false, true])).toBe(0.5);
    expect(rocAuc([0.9, 0.8, 0.2], [false, false, true])).toBe(0);
    expect(rocAuc([0.1, 0.2], [true, true])).toBeNaN();
  });

  it('picks the threshold that best separates the classes and scores accuracy at it', () => {
    const scores = [0.1, 0.3, 0.35, 0.6, 0.7, 0.9];
    const labels = [false, false, false, true, true, true];
    const t = balancedThreshold(scores, labels);
    expect(t).toBe(0.6);
    expect(accuracyAt(scores, labels, t)).toBe(1);
    expect(accuracyAt(scores, labels, 0.5)).toBe(1);
    expect(accuracyAt(scores, labels, 0.95)).toBe(0.5);
  });

  it('counts a probe as re-identified only when its own gallery entry is strictly the nearest', () => {
    const gallery = [unit(1, 0), unit(0, 1), unit(-1, 0)];
    expect(rank1Hits([unit(1, 0.1), unit(1, 0.2), unit(-1, -0.1)], gallery)).toEqual([true, false, true]);
  });

  it('finds a sharp image sharper than its blurred copy', () => {
    const w = 16;
    const checker = Float32Array.from({ length: w * w }, (_, i) => ((i % w) + Math.floor(i / w)) % 2);
    const flat = new Float32Array(w * w).fill(0.5);
    expect(laplacianVariance(checker, w, w)).toBeGreaterThan(1);
    expect(laplacianVariance(flat, w, w)).toBe(0);
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
  });

  it('KID is near 0 for two draws of one distribution and grows as one draw shifts', () => {
    const random = Random.fromSeed(3);
    const draw = (n: number, shift: number) => Array.from({ length: n }, () => random.fillNormal(new Float32Array(8)).map((v, i) => v + (i === 0 ? shift : 0)));
    const reference = draw(300, 0);
    const same = kernelInceptionDistance(reference, draw(300, 0));
    const near = kernelInceptionDistance(reference, draw(300, 0.5));
    const far = kernelInceptionDistance(reference, draw(300, 2));
    expect(Math.abs(same)).toBeLessThan(0.05);
    expect(near).toBeGreaterThan(3 * Math.abs(same));
    expect(far).toBeGreaterThan(4 * near);
    expect(() => kernelInceptionDistance(reference.slice(0, 1), reference)).toThrow(/at least 2/);
  });
});

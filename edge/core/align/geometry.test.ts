import { describe, expect, it } from 'vitest';
import { applySimilarity, fitSimilarity, invertSimilarity, similarityRotationDegrees, similarityScale, type Point } from './geometry.ts';

const rotation = (degrees: number, scale: number, tx: number, ty: number) => {
  const t = (degrees * Math.PI) / 180;
  return { a: scale * Math.cos(t), b: scale * Math.sin(t), tx, ty };
};

describe('similarity transforms', () => {
  const points: Point[] = [
    [30, 40],
    [70, 42],
    [50, 90],
  ];

  it('fitSimilarity recovers the transform that produced the points', () => {
    const truth = rotation(17, 0.6, -12, 33);
    const fitted = fitSimilarity(points, points.map((p) => applySimilarity(truth, p)));
    expect(similarityRotationDegrees(fitted)).toBeCloseTo(17, 9);
    expect(similarityScale(fitted)).toBeCloseTo(0.6, 9);
    expect(fitted.tx).toBeCloseTo(-12, 9);
    expect(fitted.ty).toBeCloseTo(33, 9);
  });

  it('fitSimilarity is the least-squares fit when the points disagree', () => {
    const truth = rotation(-8, 1.5, 4, 5);
    const noisy = points.map((p, i) => {
      const [x, y] = applySimilarity(truth, p);
      return [x + (i === 0 ? 1 : -0.5), y] as Point;
    });
    const fitted = fitSimilarity(points, noisy);
    const error = (t: typeof fitted) => points.reduce((s, p, i) => s + (applySimilarity(t, p)[0] - noisy[i][0]) ** 2 + (applySimilarity(t, p)[1] - noisy[i][1]) ** 2, 0);
    expect(error(fitted)).toBeLessThanOrEqual(error(truth));
    for (const nudge of [{ ...fitted, a: fitted.a + 1e-3 }, { ...fitted, b: fitted.b - 1e-3 }, { ...fitted, tx: fitted.tx + 1e-2 }]) {
      expect(error(fitted)).toBeLessThan(error(nudge));
    }
  });

  it('invertSimilarity undoes the transform', () => {
    const t = rotation(120, 2.5, 7, -3);
    const [x, y] = applySimilarity(invertSimilarity(t), applySimilarity(t, [11, 13]));
    expect(x).toBeCloseTo(11, 9);
    expect(y).toBeCloseTo(13, 9);
  });

  it('refuses degenerate input', () => {
    expect(() => fitSimilarity([[1, 1], [1, 1]], [[0, 0], [1, 1]])).toThrow(/coincide/);
    expect(() => fitSimilarity([[1, 1]], [[0, 0]])).toThrow(/two/);
  });
});

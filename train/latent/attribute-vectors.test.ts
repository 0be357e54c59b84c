import { describe, expect, it } from 'vitest';
import { Random } from '#core/random.ts';
import { attributeVectors } from './attribute-vectors.ts';
import { codeStatistics } from './statistics.ts';

/** Codes of dim 3: standard normal noise plus `shift` along axis 0 for positives. */
function syntheticCodes(count: number, shift: number) {
  const random = Random.fromSeed(4);
  const flags = Int8Array.from({ length: count }, (_, n) => (n % 4 === 0 ? 1 : -1));
  const codes = new Float32Array(count * 3);
  for (let n = 0; n < count; n++) for (let j = 0; j < 3; j++) codes[n * 3 + j] = random.normal() + (j === 0 && flags[n] === 1 ? shift : 0);
  return { codes, flags };
}

describe('attributeVectors', () => {
  it('is the difference of class means, with counts and a range that grows as the classes overlap', () => {
    const { codes, flags } = syntheticCodes(4000, 4);
    const { vectors, skipped } = attributeVectors(codes, 4000, 3, { wide: flags }, { method: 'mean-difference', ridge: 1e-3 });
    const wide = vectors.wide;
    expect([wide.positives, wide.negatives]).toEqual([1000, 3000]);
    expect(wide.vector[0]).toBeCloseTo(4, 1);
    expect(Math.abs(wide.vector[1])).toBeLessThan(0.15);
    expect(wide.separation!).toBeCloseTo(4, 0);
    expect(wide.suggestedRange[1]).toBeCloseTo(1.5, 1);
    expect(wide.suggestedRange[0]).toBe(-wide.suggestedRange[1]);
    expect([wide.method, wide.meanDifference]).toEqual(['mean-difference', wide.vector]);
    // With one attribute there is nothing to hold fixed: the partial effect is the mean difference (up to the ridge).
    const alone = attributeVectors(codes, 4000, 3, { wide: flags }).vectors.wide;
    expect(alone.method).toBe('partial-effect');
    alone.vector.forEach((v, j) => expect(v).toBeCloseTo(wide.vector[j], 2));
    expect(skipped).toEqual({});
    const faint = attributeVectors(syntheticCodes(4000, 0.5).codes, 4000, 3, { faint: flags }).vectors.faint;
    expect(faint.suggestedRange[1]).toBeCloseTo(5, 0);
    const fainter = attributeVectors(syntheticCodes(4000, 0.1).codes, 4000, 3, { fainter: flags }).vectors.fainter;
    expect(fainter.suggestedRange[1]).toBe(8);
  });

  it('skips attributes with too few examples on one side and rejects malformed input', () => {
    const { codes } = syntheticCodes(40, 1);
    const rare = Int8Array.from({ length: 40 }, (_, n) => (n < 2 ? 1 : -1));
    expect(attributeVectors(codes, 40, 3, { rare }).skipped.rare).toMatch(/2 positive and 38 negative/);
    expect(() => attributeVectors(codes, 40, 3, { bad: new Int8Array(40) })).toThrow(/image 0 has value 0/);
    expect(() => attributeVectors(codes, 41, 3, {})).toThrow(/are not 41 codes/);
  });
});

describe('codeStatistics', () => {
  it('gives per-dimension mean and std and the full covariance', () => {
    const codes = Float32Array.of(1, 2, 3, 6, 5, 10);
    const stats = codeStatistics(codes, 3, 2);
    expect(Array.from(stats.mean)).toEqual([3, 6]);
    expect(Array.from(stats.covariance)).toEqual([4, 8, 8, 16]);
    expect(Array.from(stats.std)).toEqual([2, 4]);
  });
});

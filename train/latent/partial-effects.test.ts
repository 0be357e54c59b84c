import { describe, expect, it } from 'vitest';
import { Random } from '#core/random.ts';
import { attributeVectors } from './attribute-vectors.ts';
import { partialEffects } from './partial-effects.ts';

const DIM = 4;
const COUNT = 4000;

/**
 * Codes of size 4 where attribute `a` moves the code along axis 0 and `b` along axis 1 (both by 2), plus unit
 * noise; `b` comes with `a` 80% of the time and without it 20%, as Goatee comes with Mustache.
 */
function correlatedCodes() {
  const random = Random.fromSeed(11);
  const a = new Int8Array(COUNT);
  const b = new Int8Array(COUNT);
  const codes = new Float32Array(COUNT * DIM);
  for (let n = 0; n < COUNT; n++) {
    a[n] = random.uniform() < 0.5 ? 1 : -1;
    b[n] = random.uniform() < (a[n] === 1 ? 0.8 : 0.2) ? 1 : -1;
    for (let j = 0; j < DIM; j++) codes[n * DIM + j] = random.normal();
    if (a[n] === 1) codes[n * DIM] += 2;
    if (b[n] === 1) codes[n * DIM + 1] += 2;
  }
  return { codes, a, b };
}

describe('partialEffects', () => {
  it('recovers each attribute’s own direction where the mean difference mixes in its correlate', () => {
    const { codes, a, b } = correlatedCodes();
    const { effects, independence } = partialEffects(codes, COUNT, DIM, { a, b }, 1e-3);
    expect(effects.a![0]).toBeCloseTo(2, 0);
    expect(Math.abs(effects.a![1])).toBeLessThan(0.12);
    expect(Math.abs(effects.b![0])).toBeLessThan(0.12);
    // Corr(a, b) = 0.6, so 1 − R² = 0.64 for both.
    expect(independence.a).toBeCloseTo(0.64, 1);

    const { vectors } = attributeVectors(codes, COUNT, DIM, { a }, { method: 'mean-difference', ridge: 1e-3 });
    // The mean difference of a carries b's shift: (0.8 − 0.2) × 2 = 1.2 along b's axis.
    expect(vectors.a.vector[1]).toBeCloseTo(1.2, 0);
  });

  it('falls back to the mean difference for a flag that cannot change alone, and skips constant flags', () => {
    const { codes, a } = correlatedCodes();
    const never = new Int8Array(COUNT).fill(-1);
    for (const ridge of [1e-3, 0.1, 10]) {
      const { effects, independence } = partialEffects(codes, COUNT, DIM, { a, copy: Int8Array.from(a), never }, ridge);
      expect(effects.a).toBeNull();
      expect(effects.never).toBeNull();
      expect(independence.a).toBeLessThan(1e-4);
    }
    const { vectors } = attributeVectors(codes, COUNT, DIM, { a }, { method: 'partial-effect', ridge: 1e-3, controls: { copy: Int8Array.from(a) } });
    expect(vectors.a.method).toBe('mean-difference');
    expect(vectors.a.vector).toEqual(vectors.a.meanDifference);
  });

  it('rejects a non-positive ridge and flags that are not ±1', () => {
    const { codes, a } = correlatedCodes();
    expect(() => partialEffects(codes, COUNT, DIM, { a }, 0)).toThrow(/ridge must be a positive number/);
    expect(() => partialEffects(codes, COUNT, DIM, { a: new Int8Array(COUNT) }, 1e-3)).toThrow(/image 0 has value 0/);
  });
});

describe('attributeVectors with partial effects', () => {
  it('holds fixed the controls that get no vector themselves, and keeps the mean difference beside', () => {
    const { codes, a, b } = correlatedCodes();
    const { vectors } = attributeVectors(codes, COUNT, DIM, { a }, { method: 'partial-effect', ridge: 1e-3, controls: { b } });
    const { vector, meanDifference, method } = vectors.a;
    expect(method).toBe('partial-effect');
    expect(vector[0]).toBeCloseTo(2, 0);
    expect(Math.abs(vector[1])).toBeLessThan(0.12);
    expect(meanDifference[1]).toBeCloseTo(1.2, 0);
    // Left out of the regression, b is carried along like in the mean difference.
    const alone = attributeVectors(codes, COUNT, DIM, { a }, { method: 'partial-effect', ridge: 1e-3 }).vectors.a;
    expect(alone.vector[1]).toBeCloseTo(1.2, 0);
  });
});

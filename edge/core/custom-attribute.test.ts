import { describe, expect, it } from 'vitest';
import { customToken, readCustomToken, teachAttribute } from './custom-attribute.ts';
import { Random } from './random.ts';

const noisy = (random: Random, centre: number[], spread: number) => Float32Array.from(centre, (c) => c + spread * random.normal());

describe('custom attributes', () => {
  it('teaches the mean difference, compares it with the built-in vectors and says whether the examples agree', () => {
    const random = Random.fromSeed(5);
    const positives = Array.from({ length: 8 }, () => noisy(random, [2, 0, 0, 0], 0.3));
    const negatives = Array.from({ length: 8 }, () => noisy(random, [0, 0, 0, 0], 0.3));
    const taught = teachAttribute(positives, negatives, { Along: { vector: [1, 0, 0, 0] }, Across: { vector: [0, 0, 3, 0] } });
    expect(taught.vector[0]).toBeCloseTo(2, 0);
    expect(taught.cosines.Along).toBeGreaterThan(0.95);
    expect(Math.abs(taught.cosines.Across)).toBeLessThan(0.3);
    expect(taught.leaveOneOutAccuracy).toBe(1);
    const mixedUp = teachAttribute(positives.slice(0, 4).concat(negatives.slice(0, 4)), negatives.slice(4).concat(positives.slice(4)), {});
    expect(mixedUp.leaveOneOutAccuracy).toBeLessThan(0.75);
  });

  it('round-trips a vector through its token, to float16 precision, for the model it was taught on only', () => {
    const vector = Float32Array.from({ length: 128 }, (_, i) => Math.sin(i) * 2);
    const token = customToken('faces', vector);
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    const back = readCustomToken(token, 'faces', 128);
    back.forEach((v, i) => expect(Math.abs(v - vector[i])).toBeLessThan(2e-3));
    expect(() => readCustomToken(token, 'digits', 128)).toThrow(/taught on model "faces", not "digits"/);
    expect(() => readCustomToken(token, 'faces', 16)).toThrow(/holds 128 numbers; this model's codes have 16/);
    const flipped = token.slice(0, 40) + (token[40] === 'A' ? 'B' : 'A') + token.slice(41);
    expect(() => readCustomToken(flipped, 'faces', 128)).toThrow(/checksum/);
    // Cut short, a token is either no longer base64url or fails its checksum.
    for (const cut of [4, 5, 6]) expect(() => readCustomToken(token.slice(0, -cut), 'faces', 128)).toThrow(/cut short|checksum/);
    expect(() => readCustomToken('not a token!', 'faces', 128)).toThrow(/not base64url/);
  });
});

import { describe, expect, it } from 'vitest';
import { splitDataset } from './split.ts';
import { syntheticDataset } from './synthetic.ts';

describe('splitDataset', () => {
  it('holds out the same images for the same seed, disjoint from training and covering everything', () => {
    const data = syntheticDataset(50);
    const a = splitDataset(data, { validationFraction: 0.2, seed: 7 });
    const b = splitDataset(data, { validationFraction: 0.2, seed: 7 });
    expect(a.validation.ids).toEqual(b.validation.ids);
    expect(a.validation.count).toBe(10);
    expect(new Set([...a.train.ids, ...a.validation.ids]).size).toBe(50);
    expect(splitDataset(data, { validationFraction: 0.2, seed: 8 }).validation.ids).not.toEqual(a.validation.ids);
    const k = a.validationIndices[3];
    expect(a.validation.images[3 * 6]).toBe(data.images[k * 6]);
    expect(a.validation.attributes.even[3]).toBe(k % 2 === 0 ? 1 : -1);
  });

  it('rejects fractions that leave a side empty', () => {
    expect(() => splitDataset(syntheticDataset(5), { validationFraction: 0.01, seed: 1 })).toThrow(/leaves 0 of 5/);
    expect(() => splitDataset(syntheticDataset(5), { validationFraction: 1, seed: 1 })).toThrow(/between 0 and 1/);
  });
});

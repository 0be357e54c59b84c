import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { celebaSplit } from './celeba-split.ts';

// CelebA is research-only and read in place; where it is absent there is nothing to split.
const present = existsSync('../shared/datasets/celeba-9k/images');

describe.skipIf(!present)('CelebA split', () => {
  it("holds out the trainer's 10% and never a training image", () => {
    const { train, validation } = celebaSplit();
    expect(validation).toHaveLength(900);
    expect(train).toHaveLength(8100);
    const held = new Set(validation.map((f) => f.file));
    expect(train.some((f) => held.has(f.file))).toBe(false);
    expect(celebaSplit().validation.map((f) => f.file)).toEqual(validation.map((f) => f.file));
    expect(typeof validation[0].labels.Smiling).toBe('boolean');
  });
});

import { describe, expect, it } from 'vitest';
import { editResult, suggestStrength, type EditCurve } from './edits.ts';

const curve = (points: [number, number, number][]): EditCurve => ({
  attribute: 'a',
  judgedNegatives: 10,
  points: points.map(([strength, flipRate, otherChangeRate]) => ({ strength, flipRate, otherChangeRate })),
});

describe('suggested edit strength', () => {
  it('is the smallest strength that flips the target share within the side-effect limit', () => {
    expect(suggestStrength(curve([[0.5, 0.3, 0], [1, 0.85, 0.1], [2, 1, 0.4]]), 0.8, 0.2)).toBe(1);
    expect(suggestStrength(curve([[0.5, 0.75, 0.25], [1, 0.85, 0.15], [2, 1, 0.4]]), 0.7, 0.2)).toBe(1);
  });
  it('accepts side effects when no strength flips enough without them', () => {
    expect(suggestStrength(curve([[0.5, 0.3, 0.1], [1, 0.75, 0.3], [2, 1, 0.4]]), 0.7, 0.2)).toBe(1);
  });
  it('falls back to the best flips-minus-side-effects when no strength reaches the target', () => {
    expect(suggestStrength(curve([[0.5, 0.2, 0], [1, 0.5, 0.05], [2, 0.6, 0.5]]), 0.8)).toBe(1);
  });
  it('reports the rates at the chosen strength', () => {
    const result = editResult(curve([[1, 0.7, 0.1], [2, 0.9, 0.2]]), 2);
    expect(result).toMatchObject({ strength: 2, flipRate: 0.9, otherChangeRate: 0.2, judgedNegatives: 10 });
  });
});

import { describe, expect, it } from 'vitest';
import { formatValue, sliderScale, snapToStep } from './slider-scale.ts';

describe('slider grids', () => {
  it('picks a round step and puts min, max and 0 on it', () => {
    expect(sliderScale(-4.5, 4.5)).toEqual({ min: -4.5, max: 4.5, step: 0.1, decimals: 1 });
    expect(sliderScale(-4.348, 4.348)).toEqual({ min: -4.4, max: 4.4, step: 0.1, decimals: 1 });
    expect(sliderScale(-1.75, 1.75)).toEqual({ min: -1.75, max: 1.75, step: 0.05, decimals: 2 });
    expect(sliderScale(0, 1)).toEqual({ min: 0, max: 1, step: 0.01, decimals: 2 });
    expect(sliderScale(-2, 2)).toEqual({ min: -2, max: 2, step: 0.05, decimals: 2 });
  });

  it('snaps what a range input reports to plain decimals, with no 2e-16 and no -0', () => {
    const scale = sliderScale(-4.5, 4.5);
    expect(snapToStep(-4.5 + 45 * 0.1, scale)).toBe(0);
    expect(Object.is(snapToStep(-1e-17, scale), 0)).toBe(true);
    expect(snapToStep(0.30000000000000004, scale)).toBe(0.3);
    expect(snapToStep(1.26, { step: 0.05, decimals: 2 })).toBe(1.25);
  });

  it('never shows -0.00', () => {
    expect(formatValue(-0.001, 2)).toBe('0.00');
    expect(formatValue(-0, 2)).toBe('0.00');
    expect(formatValue(-0.5, 2)).toBe('-0.50');
  });
});

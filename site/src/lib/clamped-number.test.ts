import { describe, expect, it } from 'vitest';
import { clampInteger } from './clamped-number.ts';

const frames = { min: 2, max: 32, fallback: 12, what: 'Frames', reason: 'the most the API makes' };

describe('clamped numbers say so', () => {
  it('keeps a value in range without a note', () => {
    expect(clampInteger(12, frames)).toEqual({ value: 12 });
  });

  it('names the limit when a value is clamped', () => {
    expect(clampInteger(100, frames)).toEqual({ value: 32, note: 'Frames 100 is out of range (at most 32, the most the API makes); 32 is used.' });
    expect(clampInteger(1, frames).note).toContain('at least 2');
  });

  it('says when a fraction is rounded or the field is not a number', () => {
    expect(clampInteger(7.6, frames)).toEqual({ value: 8, note: 'Frames must be a whole number; 8 is used.' });
    expect(clampInteger(NaN, frames)).toEqual({ value: 12, note: 'Frames must be a number; 12 is used.' });
  });
});

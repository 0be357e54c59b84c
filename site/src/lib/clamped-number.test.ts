import { describe, expect, it } from 'vitest';
import { clampNumber } from './clamped-number.ts';

const frames = { min: 2, max: 32, fallback: 12, what: 'Frames', reason: 'the most the API makes' };

describe('clamped numbers say so', () => {
  it('keeps a value in range without a note', () => {
    expect(clampNumber(12, frames)).toEqual({ value: 12 });
  });

  it('names the limit when a value is clamped', () => {
    expect(clampNumber(100, frames)).toEqual({ value: 32, note: 'Frames 100 is out of range (at most 32, the most the API makes); 32 is used.' });
    expect(clampNumber(1, frames).note).toContain('at least 2');
  });

  it('says when a fraction is rounded or the field is not a number', () => {
    expect(clampNumber(7.6, frames)).toEqual({ value: 8, note: 'Frames must be a whole number; 8 is used.' });
    expect(clampNumber(NaN, frames)).toEqual({ value: 12, note: 'Frames must be a number; 12 is used.' });
  });

  it('keeps fractions when the rule allows them', () => {
    const temperature = { min: 0, max: 2, fallback: 1, what: 'temperature', reason: "the slider's range", integer: false };
    expect(clampNumber(0.75, temperature)).toEqual({ value: 0.75 });
    expect(clampNumber(5, temperature).note).toBe("temperature 5 is out of range (at most 2, the slider's range); 2 is used.");
  });
});

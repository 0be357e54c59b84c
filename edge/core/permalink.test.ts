import { describe, expect, it } from 'vitest';
import { latentFromParam, latentToParam, strengthsFromParam, strengthsToParam } from './permalink.ts';

describe('share link parameters', () => {
  it('round-trips a code through float16 base64url within float16 precision', () => {
    const latent = Float32Array.from({ length: 32 }, (_, i) => Math.sin(i) * (i + 1));
    const text = latentToParam(latent);
    expect(text).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(text.length).toBe(Math.ceil((32 * 2 * 4) / 3));
    const back = latentFromParam(text, 32);
    back.forEach((value, i) => expect(Math.abs(value - latent[i])).toBeLessThanOrEqual(Math.abs(latent[i]) / 1024 + 1e-7));
  });

  it('refuses a code of another length, foreign characters, or a non-finite number, naming the problem', () => {
    const text = latentToParam(new Float32Array(8));
    expect(() => latentFromParam(text, 16)).toThrow(/16 numbers are 43 characters, it has 22/);
    expect(() => latentFromParam(`${text.slice(0, -1)}+`, 8)).toThrow(/not a code of this model/);
    expect(() => latentFromParam(latentToParam(new Float32Array([Infinity, 0])), 2)).toThrow(/not finite/);
  });

  it('round-trips strengths and refuses unknown names, repeats, non-numbers and too many entries', () => {
    const known = ['Smiling', 'Young'];
    expect(strengthsFromParam(strengthsToParam({ Smiling: 1.25, Young: -0.5 }), known)).toEqual({ Smiling: 1.25, Young: -0.5 });
    expect(strengthsFromParam('', known)).toEqual({});
    expect(() => strengthsFromParam('Bald:1', known)).toThrow(/"Bald", which this model has no attribute for/);
    expect(() => strengthsFromParam('Smiling:1,Smiling:2', known)).toThrow(/Smiling twice/);
    expect(() => strengthsFromParam('Smiling:x', known)).toThrow(/not a number/);
    expect(() => strengthsFromParam('Smiling:1,Young:1,Smiling:1', known)).toThrow(/Smiling twice/);
    expect(() => strengthsFromParam(Array.from({ length: known.length + 5 }, (_, k) => `Smiling:${k}`).join(','), known)).toThrow(/more edits than the model has attributes/);
    const taught = `custom:${'AbC_-'.repeat(20)}`;
    expect(strengthsFromParam(strengthsToParam({ Smiling: 1, [taught]: -0.75 }), known)).toEqual({ Smiling: 1, [taught]: -0.75 });
    expect(() => strengthsFromParam('custom:short:1', known)).toThrow(/"custom:short", which this model has no attribute for/);
    const five = Array.from({ length: 5 }, (_, k) => `${taught}${k}:1`).join(',');
    expect(() => strengthsFromParam(five, known)).toThrow(/more than 4 taught attributes/);
  });
});

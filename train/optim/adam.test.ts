import { describe, expect, it } from 'vitest';
import { Adam } from './adam.ts';

// Expected values worked out by hand from the Adam/AdamW formulas (bias-corrected moments, eps on sqrt(v̂)).
const base = { lr: 0.1, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 };

function twoSteps(config: ConstructorParameters<typeof Adam>[1]): number {
  const adam = new Adam([1], config);
  const p = Float32Array.of(1);
  adam.update([p], [Float32Array.of(0.5)]);
  adam.update([p], [Float32Array.of(-1)]);
  return p[0];
}

describe('Adam', () => {
  it('moves the first step by lr against the gradient sign (bias correction)', () => {
    const adam = new Adam([2], base);
    const p = Float32Array.of(1, -2);
    adam.update([p], [Float32Array.of(0.5, -3)]);
    expect(p[0]).toBeCloseTo(0.9, 6);
    expect(p[1]).toBeCloseTo(-1.9, 6);
    expect(adam.step).toBe(1);
    expect(adam.m[0][0]).toBeCloseTo(0.05, 7);
    expect(adam.v[0][0]).toBeCloseTo(0.00025, 9);
  });

  it('matches the hand-computed second step', () => {
    // m2 = -0.055, v2 = 0.00124975, m̂ = -0.2894737, v̂ = 0.6251876 → p = 0.9 + 0.1·0.2894737/0.7906881
    expect(twoSteps(base)).toBeCloseTo(0.9366104, 6);
  });

  it('adds L2 weight decay to the gradient for adam, decays weights directly for adamw', () => {
    expect(twoSteps({ ...base, kind: 'adam', weightDecay: 0.1 })).toBeCloseTo(0.9252635, 6);
    // AdamW: p ← p·(1 − lr·wd) before the Adam step: 1·0.99 − 0.1 = 0.89, then 0.89·0.99 + 0.0366104.
    expect(twoSteps({ ...base, kind: 'adamw', weightDecay: 0.1 })).toBeCloseTo(0.9177104, 6);
  });

  it('clips by the global gradient norm across all parameters', () => {
    const adam = new Adam([1, 1], { ...base, clipNorm: 1 });
    const info = adam.update([Float32Array.of(0), Float32Array.of(0)], [Float32Array.of(3), Float32Array.of(4)]);
    expect(info.gradNorm).toBeCloseTo(5, 6);
    // Clipped gradients are (0.6, 0.8); m = (1 − β1)·g.
    expect(adam.m[0][0]).toBeCloseTo(0.06, 6);
    expect(adam.m[1][0]).toBeCloseTo(0.08, 6);
  });

  it('leaves gradients below the clip norm alone', () => {
    const adam = new Adam([1], { ...base, clipNorm: 10 });
    adam.update([Float32Array.of(0)], [Float32Array.of(3)]);
    expect(adam.m[0][0]).toBeCloseTo(0.3, 6);
  });

  it('follows the schedule', () => {
    const adam = new Adam([1], { ...base, schedule: { kind: 'step', every: 1, gamma: 0.5 } });
    const p = Float32Array.of(0);
    expect(adam.update([p], [Float32Array.of(1)]).lr).toBeCloseTo(0.1, 9);
    expect(adam.update([p], [Float32Array.of(1)]).lr).toBeCloseTo(0.05, 9);
  });

  it('rejects non-finite gradients, mismatched sizes and bad settings', () => {
    const adam = new Adam([2], base);
    expect(() => adam.update([new Float32Array(2)], [Float32Array.of(1, NaN)])).toThrow(/gradient norm is NaN/);
    expect(() => adam.update([new Float32Array(3)], [new Float32Array(3)])).toThrow(/parameter 0 has 3 values/);
    expect(() => new Adam([1], { lr: -1 })).toThrow(/optimizer: lr/);
    expect(() => new Adam([1], { beta2: 1 })).toThrow(/optimizer: beta2/);
  });
});

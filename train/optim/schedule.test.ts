import { describe, expect, it } from 'vitest';
import { parseOptimizer } from './config.ts';
import { learningRate } from './schedule.ts';

describe('learningRate', () => {
  it('is constant by default', () => {
    const { schedule } = parseOptimizer({});
    expect([0, 1, 1000].map((s) => learningRate(0.01, schedule, s))).toEqual([0.01, 0.01, 0.01]);
  });

  it('warms up linearly, then follows a half cosine to minLr and stays there', () => {
    const schedule = { kind: 'cosine', warmupSteps: 2, totalSteps: 12, minLr: 0 } as const;
    const lr = (step: number) => learningRate(1, schedule, step);
    expect(lr(0)).toBeCloseTo(0.5, 12);
    expect(lr(1)).toBeCloseTo(1, 12);
    expect(lr(2)).toBeCloseTo(1, 12);
    expect(lr(7)).toBeCloseTo(0.5, 12);
    expect(lr(12)).toBeCloseTo(0, 12);
    expect(lr(50)).toBeCloseTo(0, 12);
    expect(learningRate(1, { ...schedule, minLr: 0.1 }, 7)).toBeCloseTo(0.55, 12);
  });

  it('steps down by gamma every N steps', () => {
    const schedule = { kind: 'step', every: 10, gamma: 0.5 } as const;
    expect([0, 9, 10, 25].map((s) => learningRate(2, schedule, s))).toEqual([2, 2, 1, 0.5]);
  });

  it('rejects malformed schedules', () => {
    expect(() => parseOptimizer({ schedule: { kind: 'cosine' } })).toThrow(/schedule.totalSteps/);
    expect(() => parseOptimizer({ schedule: { kind: 'step', every: 0, gamma: 0.5 } })).toThrow(/schedule.every/);
  });
});

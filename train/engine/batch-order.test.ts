import { describe, expect, it } from 'vitest';
import { BatchOrder } from './batch-order.ts';

const take = (order: BatchOrder, n: number) => Array.from(order.next(new Uint32Array(n)));

describe('BatchOrder', () => {
  it('visits every example once per epoch, in a new order each epoch', () => {
    const order = BatchOrder.create(10, 3);
    const first = [...take(order, 4), ...take(order, 6)];
    expect([...first].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const second = take(order, 10);
    expect([...second].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(second).not.toEqual(first);
    expect(order.currentEpoch).toBe(1);
  });

  it('resumes the exact order from its state, across an epoch boundary', () => {
    const order = BatchOrder.create(7, 1);
    take(order, 12);
    const resumed = BatchOrder.fromState(JSON.parse(JSON.stringify(order.state)));
    expect(take(resumed, 20)).toEqual(take(order, 20));
  });

  it('rejects bad sizes and states', () => {
    expect(() => BatchOrder.create(0, 1)).toThrow(/positive integer/);
    const state = BatchOrder.create(5, 1).state;
    expect(() => BatchOrder.fromState({ ...state, position: 5 })).toThrow(/position 5 is outside 0..4/);
    expect(() => BatchOrder.fromState({ ...state, epochRng: [0, 0, 0, 0] })).toThrow(/random state/);
  });
});

import { describe, expect, it } from 'vitest';
import { BatchIterator } from './batches.ts';
import { syntheticDataset } from './synthetic.ts';

describe('BatchIterator', () => {
  it('visits every image once per epoch in a seeded order that changes between epochs', () => {
    const iterator = new BatchIterator(syntheticDataset(12), { batchSize: 4, seed: 3 });
    const epoch = (n: number) => Array.from({ length: n }, () => Array.from(iterator.next().indices)).flat();
    const first = epoch(3);
    const second = epoch(3);
    expect([...first].sort((a, b) => a - b)).toEqual(Array.from({ length: 12 }, (_, i) => i));
    expect(second).not.toEqual(first);
    expect(new BatchIterator(syntheticDataset(12), { batchSize: 4, seed: 3 }).next().indices).toEqual(Int32Array.from(first.slice(0, 4)));
  });

  it('resumes the exact sequence from a saved state, across epoch boundaries', () => {
    const options = { batchSize: 3, seed: 11, flip: true };
    const straight = new BatchIterator(syntheticDataset(10), options);
    const interrupted = new BatchIterator(syntheticDataset(10), options);
    for (let i = 0; i < 4; i++) interrupted.next();
    const resumed = new BatchIterator(syntheticDataset(10), options, JSON.parse(JSON.stringify(interrupted.state)));
    for (let i = 0; i < 4; i++) straight.next();
    for (let i = 0; i < 8; i++) {
      const [a, b] = [straight.next(), resumed.next()];
      expect([b.epoch, b.step, Array.from(b.indices), Array.from(b.flipped)]).toEqual([a.epoch, a.step, Array.from(a.indices), Array.from(a.flipped)]);
      expect(b.images).toEqual(a.images);
    }
  });

  it('mirrors flipped images left-right and drops the short last batch by default', () => {
    const data = syntheticDataset(5, [1, 1, 3]);
    data.images.set([1, 2, 3], 0);
    const iterator = new BatchIterator(data, { batchSize: 5, seed: 1, flip: true });
    const batch = iterator.next();
    const k = Array.from(batch.indices).indexOf(0);
    expect(Array.from(batch.images.subarray(3 * k, 3 * k + 3))).toEqual(batch.flipped[k] ? [3, 2, 1] : [1, 2, 3]);
    expect(new BatchIterator(syntheticDataset(5), { batchSize: 2, seed: 1 }).batchesPerEpoch).toBe(2);
    expect(new BatchIterator(syntheticDataset(5), { batchSize: 2, seed: 1, dropLast: false }).batchesPerEpoch).toBe(3);
    expect(() => new BatchIterator(syntheticDataset(5), { batchSize: 6, seed: 1 })).toThrow(/exceeds the 5 images/);
  });
});

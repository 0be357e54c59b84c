import { describe, expect, it } from 'vitest';
import { Random } from '#core/random.ts';
import { strideTwoConvAutoencoder } from '../model/presets.ts';
import { BatchOrder } from './batch-order.ts';
import { createOrtEngine } from './ort.ts';

/** A tiny conv autoencoder of the presets' kind: conv down, a linear code, conv-transpose up. */
const spec = strideTwoConvAutoencoder({ name: 'tiny-conv', input: [1, 8, 8], channels: [8], code: 8 });

/** 32 soft blobs at random centres and widths: a small data set a 8-dimensional code can hold. */
function blobs(count: number, seed: number): Float32Array {
  const random = Random.fromSeed(seed);
  const out = new Float32Array(count * 64);
  for (let n = 0; n < count; n++) {
    const cy = 1 + random.uniform() * 6;
    const cx = 1 + random.uniform() * 6;
    const width = 1 + random.uniform() * 1.5;
    for (let y = 0; y < 8; y++) for (let x = 0; x < 8; x++) out[n * 64 + y * 8 + x] = Math.exp(-((y - cy) ** 2 + (x - cx) ** 2) / (2 * width * width));
  }
  return out;
}

describe('ort engine on a conv autoencoder (issue 2, 9d)', () => {
  it('lowers the loss at least 5x in 200 steps on a small synthetic set', async () => {
    const batch = 16;
    const data = blobs(32, 3);
    const engine = await createOrtEngine({ spec, batch, seed: 1, optimizer: { lr: 0.01 }, threads: 1 });
    const order = BatchOrder.create(32, 2);
    const indices = new Uint32Array(batch);
    const images = new Float32Array(batch * 64);
    const losses: number[] = [];
    for (let step = 0; step < 200; step++) {
      order.next(indices).forEach((index, i) => images.set(data.subarray(index * 64, (index + 1) * 64), i * 64));
      losses.push((await engine.step(images)).loss);
    }
    await engine.dispose();
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    // Averages over 10 steps, so one lucky batch cannot pass the test.
    const first = mean(losses.slice(0, 10));
    const last = mean(losses.slice(-10));
    expect(last).toBeLessThan(first / 5);
  });
});

import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Random } from '#core/random.ts';
import type { ImageShape } from '../data/dataset.ts';
import { cachedFitPca } from './cache.ts';

const shape: ImageShape = [1, 6, 6];
const images = (seed: number) => Random.fromSeed(seed).fillNormal(new Float32Array(40 * 36));

describe('cachedFitPca', () => {
  it('returns the fitted model again from its file, bit for bit', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pca-cache-'));
    const first = await cachedFitPca(dir, images(1), 40, shape, 4, { seed: 3 });
    expect(readdirSync(dir)).toHaveLength(1);
    const second = await cachedFitPca(dir, images(1), 40, shape, 4, { seed: 3 });
    expect(second).toEqual(first);
  });

  it('fits again for other pixels or another code size', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pca-cache-'));
    await cachedFitPca(dir, images(1), 40, shape, 4);
    await cachedFitPca(dir, images(2), 40, shape, 4);
    await cachedFitPca(dir, images(1), 40, shape, 5);
    expect(readdirSync(dir)).toHaveLength(3);
  });

  it('refits over a damaged file instead of trusting it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pca-cache-'));
    const fitted = await cachedFitPca(dir, images(1), 40, shape, 4);
    const [file] = readdirSync(dir);
    writeFileSync(join(dir, file), 'not a pca');
    expect(await cachedFitPca(dir, images(1), 40, shape, 4)).toEqual(fitted);
  });
});

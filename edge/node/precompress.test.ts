import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { precompress } from './precompress.ts';

const text = Buffer.from('<p>latent space</p>\n'.repeat(500));
const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'latentlab-precompress-'));
  await mkdir(path.join(dir, 'site', 'morph'), { recursive: true });
  await mkdir(path.join(dir, 'models'));
  await writeFile(path.join(dir, 'site', 'morph', 'index.html'), text);
  await writeFile(path.join(dir, 'models', 'copy.html'), text);
  await writeFile(path.join(dir, 'site', 'noise.json'), randomBytes(8192));
  await writeFile(path.join(dir, 'site', 'photo.png'), text);
  await writeFile(path.join(dir, 'site', 'tiny.js'), 'export {};');
});

afterAll(() => rm(dir, { recursive: true, force: true }));

describe('precompress', () => {
  const options = () => ({ dirs: [path.join(dir, 'site'), path.join(dir, 'models')], outDir: path.join(dir, 'out'), cacheDir: path.join(dir, 'cache') });

  it('writes one brotli and one gzip variant per distinct compressible content, named by its sha256', async () => {
    const summary = await precompress(options());
    const names = (await readdir(path.join(dir, 'out'))).sort();
    expect(names).toEqual([`${sha(text)}.br`, `${sha(text)}.gz`]);
    expect(brotliDecompressSync(await readFile(path.join(dir, 'out', names[0]))).equals(text)).toBe(true);
    expect(gunzipSync(await readFile(path.join(dir, 'out', names[1]))).equals(text)).toBe(true);
    // The random JSON was tried and kept out (no saving); the PNG and the 10-byte script were never tried.
    expect(summary.files).toBe(2);
    expect(summary.variants).toBe(2);
  });

  it('reuses the cache on the next build and keeps only the variants that build used', async () => {
    await writeFile(path.join(dir, 'cache', 'stale.br11.br'), 'old');
    const summary = await precompress(options());
    expect(summary.fromCache).toBe(4);
    expect((await readdir(path.join(dir, 'cache'))).includes('stale.br11.br')).toBe(false);
  });
});

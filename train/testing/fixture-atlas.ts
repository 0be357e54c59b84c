import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { sha256Hex } from '#core/sha256.ts';
import { Random } from '#core/random.ts';
import type { ModelRuntime } from '#core/runtime.ts';
import { syntheticImage } from './synthetic-images.ts';
import { buildAtlas } from '../latent/map.ts';

/**
 * Adds a latent map to a fixture model folder with the trainer's own atlas builder (so the site reads exactly what the
 * trainer writes): codes of synthetic pictures from the model's encoder, thumbnails of their decodings, and the
 * `atlas` / `atlasIndex` entries in manifest.json.
 */
export async function addFixtureAtlas(modelDir: string, runtime: ModelRuntime, count = 60): Promise<void> {
  const [channels, height, width] = runtime.imageShape;
  const random = Random.fromSeed(99);
  const codes = await runtime.encode(Array.from({ length: count }, () => syntheticImage(random, width).pixels));
  const flat = (parts: Float32Array[]) => {
    const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
    parts.reduce((offset, p) => (out.set(p, offset), offset + p.length), 0);
    return out;
  };
  const ids = codes.map((_, k) => `synthetic-${k}`);
  const decode = async (c: Float32Array, n: number) => flat(await runtime.decode(Array.from({ length: n }, (_, k) => c.slice(k * runtime.dim, (k + 1) * runtime.dim))));
  const { png, index } = await buildAtlas(flat(codes), runtime.dim, decode, [channels, height, width], ids, { grid: 6, thumbnail: width });
  const files = { atlas: { path: 'atlas.png', bytes: png }, atlasIndex: { path: 'atlas.json', bytes: new TextEncoder().encode(JSON.stringify(index)) } };
  const manifestFile = path.join(modelDir, 'manifest.json');
  const manifest = JSON.parse(await readFile(manifestFile, 'utf8'));
  for (const [key, file] of Object.entries(files)) {
    await writeFile(path.join(modelDir, file.path), file.bytes);
    manifest.files[key] = { path: file.path, sha256: await sha256Hex(file.bytes), bytes: file.bytes.byteLength };
  }
  await writeFile(manifestFile, JSON.stringify(manifest, null, 1));
}

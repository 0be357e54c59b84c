/**
 * The home page's pictures: real outputs of the shipped models, asked of the API in-process (the same app
 * `npm start` serves), written as small PNGs into site/public/home/. Only decoded samples, morphs and edits of
 * sampled codes: no training image (CelebA may not be redistributed) goes into them.
 *
 *   npx tsx scripts/home-pictures.ts
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { ModelRegistry } from '#core/registry.ts';
import { createApp } from '../edge/app.ts';
import { nodeAlignerProvider } from '../edge/node/aligner.ts';
import { fileModelSource } from '../edge/node/file-source.ts';
import { nodeJpegCodec } from '../edge/node/jpeg.ts';
import { nodeRuntimeOptions } from '../edge/node/server.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const modelsDir = join(root, 'models');
const outDir = join(root, 'site', 'public', 'home');
const registry = new ModelRegistry(fileModelSource(modelsDir), ort, { runtime: nodeRuntimeOptions() });
const app = createApp({ registry, aligner: nodeAlignerProvider(modelsDir), jpeg: nodeJpegCodec() });

async function call(path: string, body?: unknown): Promise<Response> {
  const response = await app.request(`/v1/models/${path}`, body === undefined ? {} : { method: 'POST', body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } });
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status} ${await response.text()}`);
  return response;
}

const latents = async (model: string, seed: number, n: number, temperature = 0.8): Promise<number[][]> =>
  ((await (await call(`${model}/sample?seed=${seed}&n=${n}&temperature=${temperature}&format=json`)).json()) as { latents: number[][] }).latents;

async function save(name: string, response: Response): Promise<void> {
  const bytes = new Uint8Array(await response.arrayBuffer());
  writeFileSync(join(outDir, name), bytes);
  console.log(`${name}: ${bytes.byteLength} bytes`);
}

/** The two codes furthest apart among a few samples: a morph between look-alikes shows little. */
function furthestPair(codes: number[][]): [number[], number[]] {
  let best: [number[], number[]] = [codes[0], codes[1]];
  let bestDistance = -1;
  for (const a of codes) {
    for (const b of codes) {
      const distance = a.reduce((sum, v, i) => sum + (v - b[i]) ** 2, 0);
      if (distance > bestDistance) [best, bestDistance] = [[a, b], distance];
    }
  }
  return best;
}

mkdirSync(outDir, { recursive: true });
const [faceA, faceB] = furthestPair(await latents('faces', 11, 8));
await save('faces-morph.png', await call('faces/morph?frames=6&path=spherical&format=png', { a: faceA, b: faceB }));
const [smiler] = await latents('faces', 5, 1);
await save('faces-smile.png', await call('faces/attributes?format=png', { latent: smiler, attributes: { Smiling: [-1.75, -0.6, 0.6, 1.75] } }));
await save('faces-older.png', await call('faces/attributes?format=png', { latent: smiler, attributes: { Young: [3, 1, -1.5, -4] } }));
await save('faces-samples.png', await call('faces/sample?seed=21&n=6&temperature=0.8&format=png'));
const [digitA, digitB] = furthestPair(await latents('digits', 3, 8, 0.7));
await save('digits-morph.png', await call('digits/morph?frames=8&format=png', { a: digitA, b: digitB }));

import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodePng, tensorToRgba } from '#core/image/encode.ts';
import { lessonModel, lessonModelFolder, NetworkTrainer, type LessonNetwork } from '#trainer';
import { startNodeServer, type RunningServer } from '../edge/node/server.ts';
import { loadMnist } from '../train/data/mnist.ts';
import { splitDataset } from '../train/data/split.ts';

/** What the Train page exports, unzipped into MODELS_DIR, is a model the API serves: the folder is the contract. */
let dir: string;
let server: RunningServer;
const split = splitDataset(loadMnist(40), { validationFraction: 0.1, seed: 2026 });

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'lesson-export-'));
  const model = lessonModel('dense') as LessonNetwork;
  const trainer = await NetworkTrainer.create(ort, model, split.train, { seed: 1 });
  for (let i = 0; i < 20; i++) await trainer.step();
  const { files } = await lessonModelFolder(ort, { id: 'my-dense-digits', title: model.title, kind: 'autoencoder', ...trainer.graphs(), metrics: { steps: 20 }, seed: 1 }, split.train);
  await trainer.release();
  for (const file of files) {
    const target = path.join(dir, 'models', 'my-dense-digits', file.path);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, file.bytes);
  }
  server = await startNodeServer({ port: 0, modelsDir: path.join(dir, 'models') });
}, 120_000);

afterAll(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('a Train page export in the API', () => {
  it('is listed, encodes a digit photo to its 32 numbers and decodes them back to a 28×28 PNG', async () => {
    const origin = `http://127.0.0.1:${server.port}`;
    const list = (await (await fetch(`${origin}/v1/models`)).json()) as { models: { id: string }[] };
    expect(list.models.map((m) => m.id)).toContain('my-dense-digits');
    const digit = encodePng(tensorToRgba(split.validation.images.subarray(0, 784), 1, 28, 28));
    const encoded = await fetch(`${origin}/v1/models/my-dense-digits/encode`, { method: 'POST', headers: { 'Content-Type': 'image/png' }, body: digit as Uint8Array<ArrayBuffer> });
    expect(encoded.status).toBe(200);
    const { latent } = (await encoded.json()) as { latent: number[] };
    expect(latent).toHaveLength(32);
    const decoded = await fetch(`${origin}/v1/models/my-dense-digits/decode`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ latent }) });
    expect(decoded.status).toBe(200);
    expect(decoded.headers.get('content-type')).toBe('image/png');
  });
});

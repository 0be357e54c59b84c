import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { Random } from '#core/random.ts';
import { buildTrainingGraph } from '../graphs/training.ts';
import type { ModelSpec } from '../model/spec.ts';
import type { TrainingEngine } from './engine.ts';
import { createOrtEngine } from './ort.ts';
import { createTfjsEngine, type TfjsEngine } from './tfjs.ts';
import { digitsLike, everyLayer } from './tfjs/test-models.ts';

// Test 9b: the tfjs engine is the gradient reference of the onnxruntime engine. Shapes stay tiny because
// pure tfjs runs on its slow cpu backend here.

const BATCH = 2;
const TOLERANCE = 1e-3;

const engines: TrainingEngine[] = [];
async function pair(spec: ModelSpec, seed: number) {
  const engineOptions = { spec, batch: BATCH, seed, device: 'cpu' as const, threads: 1 };
  const both = { ort: await createOrtEngine(engineOptions), tfjs: await createTfjsEngine(engineOptions) };
  engines.push(both.ort, both.tfjs);
  return both;
}
afterAll(async () => {
  await Promise.all(engines.map((e) => e.dispose()));
});

function images(spec: ModelSpec, count: number, seed: number): Float32Array {
  const random = Random.fromSeed(seed);
  return new Float32Array(count * spec.input.reduce((a, b) => a * b, 1)).map(() => random.uniform());
}

/** The randomness the onnxruntime training graph is fed, drawn independently of both engines. */
function randomFeeds(spec: ModelSpec, seed: number): Map<string, Float32Array> {
  const random = Random.fromSeed(seed);
  const feeds = new Map<string, Float32Array>();
  for (const input of buildTrainingGraph(spec, { batch: BATCH }).randomInputs) {
    const values = new Float32Array(input.shape.reduce((a, b) => a * b, 1));
    if (input.kind === 'normal') random.fillNormal(values);
    else values.forEach((_, i) => (values[i] = random.uniform() < 1 - (input.rate ?? 0) ? 1 : 0));
    feeds.set(input.name, values);
  }
  return feeds;
}

function norm(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i] * values[i];
  return Math.sqrt(sum);
}

function relativeError(reference: Float32Array, other: Float32Array): number {
  expect(other.length).toBe(reference.length);
  const diff = reference.map((r, i) => r - other[i]);
  return norm(diff) / norm(reference);
}

async function expectSameGradients(spec: ModelSpec, random?: Map<string, Float32Array>) {
  const { ort: ortEngine, tfjs } = await pair(spec, 7);
  const batch = images(spec, BATCH, 11);
  const want = await ortEngine.gradients(batch, random);
  const got = await tfjs.gradients(batch, random);

  expect(Math.abs(got.loss - want.loss) / Math.abs(want.loss)).toBeLessThanOrEqual(TOLERANCE);
  expect(Object.keys(got.parts).sort()).toEqual(Object.keys(want.parts).sort());
  for (const [name, value] of Object.entries(want.parts)) expect(Math.abs(got.parts[name] - value), name).toBeLessThanOrEqual(TOLERANCE * Math.abs(value));

  expect([...got.gradients.keys()]).toEqual([...want.gradients.keys()]);
  for (const [name, reference] of want.gradients) {
    expect(norm(reference), `${name} has a zero gradient: the comparison would be empty`).toBeGreaterThan(0);
    expect(relativeError(reference, got.gradients.get(name)!), name).toBeLessThanOrEqual(TOLERANCE);
  }
}

describe('tfjs engine against the onnxruntime engine (same weights, batch and randomness)', () => {
  it('reports the tfjs flavour it runs on', async () => {
    const { tfjs } = await pair(digitsLike, 1);
    const { backend, skippedBackends } = tfjs as TfjsEngine;
    expect(['tfjs-node-gpu', 'tfjs-node', 'cpu']).toContain(backend);
    // Every flavour faster than the one running was tried and its failure kept (the GPU build is not tried for device 'cpu').
    expect(skippedBackends).toHaveLength(backend === 'cpu' ? 1 : 0);
    expect(tfjs.name).toBe('tfjs');
  });

  it('gives the same loss and gradients on a conv-digits-like model', async () => {
    await expectSameGradients(digitsLike);
  });

  for (const reconstruction of ['mse', 'bce', 'l1'] as const) {
    it(`gives the same loss and gradients on a model with every layer type, VAE and sparsity (${reconstruction})`, async () => {
      const spec = everyLayer(reconstruction);
      await expectSameGradients(spec, randomFeeds(spec, 3));
    });
  }

  it('draws the same random inputs from the same seed', async () => {
    await expectSameGradients(everyLayer('mse'));
  });
});

describe('tfjs engine state', () => {
  it('resumes from state() exactly: parameters, Adam moments and the random stream', async () => {
    const spec = everyLayer('mse');
    const options = { spec, batch: BATCH, seed: 4, device: 'cpu' as const };
    const [first, resumed] = [await createTfjsEngine(options), await createTfjsEngine({ ...options, seed: 99 })];
    engines.push(first, resumed);
    const data = images(spec, 2 * BATCH, 12);
    const half = data.length / 2;
    await first.step(data.subarray(0, half));
    resumed.load(first.state());
    const [a, b] = [await first.step(data.subarray(half)), await resumed.step(data.subarray(half))];
    expect(b.loss).toBe(a.loss);
    for (const [name, values] of first.params()) expect(resumed.params().get(name), name).toEqual(values);
    expect(() => resumed.load({ ...first.state(), params: new Map() })).toThrow(/params has 0 tensors/);
  });
});

describe('tfjs weights exported to ONNX', () => {
  async function runOnnx(bytes: Uint8Array, input: ort.Tensor): Promise<ort.Tensor> {
    const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1 });
    try {
      const outputs = await session.run({ [session.inputNames[0]]: input });
      return outputs[session.outputNames[0]] as ort.Tensor;
    } finally {
      await session.release();
    }
  }

  for (const spec of [digitsLike, everyLayer('bce')]) {
    it(`reproduce tfjs' own reconstruction after training (${spec.name})`, async () => {
      const { tfjs } = await pair(spec, 5);
      const data = images(spec, 4 * BATCH, 9);
      const perBatch = BATCH * spec.input.reduce((a, b) => a * b, 1);
      const first = await tfjs.step(data.subarray(0, perBatch));
      for (let s = 1; s < 4; s++) await tfjs.step(data.subarray(s * perBatch, (s + 1) * perBatch));
      expect(tfjs.state().step).toBe(4);
      expect(Number.isFinite(first.loss)).toBe(true);

      const count = 3;
      const input = data.subarray(0, count * (perBatch / BATCH));
      const want = await tfjs.reconstruct(input, count);
      const { encoder, decoder } = (tfjs as TfjsEngine).exportOnnx();
      const latent = await runOnnx(encoder, new ort.Tensor('float32', Float32Array.from(input), [count, ...spec.input]));
      const image = await runOnnx(decoder, latent);
      expect(image.dims).toEqual([count, ...spec.input]);
      const got = image.data as Float32Array;
      const maxDiff = want.reduce((worst, w, i) => Math.max(worst, Math.abs(w - got[i])), 0);
      expect(maxDiff).toBeLessThanOrEqual(1e-5);
    });
  }
});

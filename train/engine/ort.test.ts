import { afterEach, describe, expect, it } from 'vitest';
import { FEATURES, NOISE_STD, linearProgram, syntheticImages } from './fixtures/linear-program.ts';
import { OrtEngine } from './ort.ts';
import { CUDA_INSTALL_STEP, deviceProblem } from './ort-session.ts';

const BATCH = 8;
const engines: OrtEngine[] = [];
async function engine(seed = 1, optimizer = { lr: 0.05 }): Promise<OrtEngine> {
  const created = await OrtEngine.create(linearProgram(BATCH), { seed, optimizer, threads: 1 });
  engines.push(created);
  return created;
}
afterEach(async () => {
  await Promise.all(engines.splice(0).map((e) => e.dispose()));
});

/** Loss and gradients of the linear autoencoder, computed directly in float64. */
function reference(W: Float32Array, b: Float32Array, x: Float32Array, noise: Float32Array) {
  const n = x.length / FEATURES;
  const gradW = new Float64Array(FEATURES * FEATURES);
  const gradB = new Float64Array(FEATURES);
  let loss = 0;
  for (let s = 0; s < n; s++) {
    for (let j = 0; j < FEATURES; j++) {
      let y = b[j];
      for (let i = 0; i < FEATURES; i++) y += (x[s * FEATURES + i] + NOISE_STD * noise[s * FEATURES + i]) * W[i * FEATURES + j];
      const r = y - x[s * FEATURES + j];
      loss += r * r;
      const dy = (2 * r) / (n * FEATURES);
      gradB[j] += dy;
      for (let i = 0; i < FEATURES; i++) gradW[i * FEATURES + j] += (x[s * FEATURES + i] + NOISE_STD * noise[s * FEATURES + i]) * dy;
    }
  }
  return { loss: loss / (n * FEATURES), gradW, gradB };
}

describe('OrtEngine', () => {
  it('runs the training graph: loss, parts and gradients at the current parameters', async () => {
    const e = await engine();
    const images = syntheticImages(BATCH, 3);
    const noise = new Float32Array(BATCH * FEATURES).map((_, i) => Math.sin(i));
    const result = await e.gradients(images, new Map([['noise', noise]]));
    const want = reference(e.params().get('W')!, e.params().get('b')!, images, noise);
    expect(result.loss).toBeCloseTo(want.loss, 6);
    expect(result.parts.mse).toBe(result.loss);
    result.gradients.get('W')!.forEach((g, i) => expect(g).toBeCloseTo(want.gradW[i], 6));
    result.gradients.get('b')!.forEach((g, i) => expect(g).toBeCloseTo(want.gradB[i], 6));
    expect(e.state().step).toBe(0);
  });

  it('learns: Adam steps lower the loss', async () => {
    const e = await engine();
    const data = syntheticImages(64, 5);
    const first = await e.step(data.subarray(0, BATCH * FEATURES));
    let last = first;
    for (let s = 1; s < 150; s++) last = await e.step(data.subarray((s % 8) * BATCH * FEATURES, ((s % 8) + 1) * BATCH * FEATURES));
    expect(last.loss).toBeLessThan(first.loss / 5);
    expect(e.state().step).toBe(150);
  });

  it('repeats a run exactly from the same seed, and draws different noise from another', async () => {
    const images = syntheticImages(BATCH, 9);
    const curve = async (seed: number) => {
      const e = await engine(seed);
      const losses: number[] = [];
      for (let s = 0; s < 5; s++) losses.push((await e.step(images)).loss);
      return losses;
    };
    const a = await curve(7);
    expect(await curve(7)).toEqual(a);
    expect(await curve(8)).not.toEqual(a);
  });

  it('reconstructs any number of images with the current parameters', async () => {
    const e = await engine();
    const images = syntheticImages(BATCH + 3, 11);
    const check = async () => {
      const out = await e.reconstruct(images, BATCH + 3);
      const W = e.params().get('W')!;
      const b = e.params().get('b')!;
      for (let s = 0; s < BATCH + 3; s++) {
        for (let j = 0; j < FEATURES; j++) {
          let y = b[j];
          for (let i = 0; i < FEATURES; i++) y += images[s * FEATURES + i] * W[i * FEATURES + j];
          expect(out[s * FEATURES + j]).toBeCloseTo(y, 5);
        }
      }
    };
    await check();
    await e.step(images.subarray(0, BATCH * FEATURES));
    await check();
  });

  it('restores a state into another engine', async () => {
    const a = await engine(1);
    const b = await engine(2);
    const images = syntheticImages(BATCH, 2);
    await a.step(images);
    b.load(a.state());
    expect(b.state()).toEqual(a.state());
    expect((await b.step(images)).loss).toBe((await a.step(images)).loss);
  });

  it('rejects bad input with a message', async () => {
    const e = await engine();
    await expect(e.step(new Float32Array(5))).rejects.toThrow(/8 images needs 32 values, got 5/);
    await expect(e.reconstruct(new Float32Array(4), 0)).rejects.toThrow(/count must be a positive integer/);
    await expect(e.gradients(syntheticImages(BATCH, 1), new Map([['noise', new Float32Array(3)]]))).rejects.toThrow(/"noise" needs 32 values/);
    const state = e.state();
    state.params.set('W', new Float32Array(3));
    expect(() => e.load(state)).toThrow(/params "W" has 3 values, expected 16/);
    const images = syntheticImages(BATCH, 1);
    const first = e.step(images);
    await expect(e.step(images)).rejects.toThrow(/already running/);
    await first;
  });

  it('names the install step when the CUDA provider is missing', async () => {
    expect(deviceProblem('cpu')).toBeUndefined();
    const problem = deviceProblem('cuda');
    if (problem === undefined) return; // a machine with the CUDA provider installed
    expect(problem).toContain(CUDA_INSTALL_STEP);
    await expect(OrtEngine.create(linearProgram(BATCH), { seed: 1, device: 'cuda' })).rejects.toThrow(/onnxruntime-node-install|ONNXRUNTIME_NODE_INSTALL=cuda12/);
  });
});

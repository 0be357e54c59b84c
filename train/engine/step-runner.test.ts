import { describe, expect, it } from 'vitest';
import { Random } from '#core/random.ts';
import { buildTrainingGraph } from '../graphs/training.ts';
import { TINY_MODELS, uniformImages } from '../graphs/testing.ts';
import { initParams } from '../model/shapes.ts';
import { autoencoderStepGraph } from './ort.ts';
import { StepRunner } from './step-runner.ts';

const spec = TINY_MODELS.stochastic;
const graph = autoencoderStepGraph(buildTrainingGraph(spec, { batch: 2 }));
const images = uniformImages(2 * 49, Random.fromSeed(3));

async function runner(options: { seed?: number; frozen?: (name: string) => boolean } = {}) {
  const created = await StepRunner.create(graph, { initialParams: initParams(spec, 1), optimizer: { lr: 1e-2 }, seed: options.seed ?? 9, session: { device: 'cpu', threads: 1 }, frozen: options.frozen });
  created.data.get('image')!.set(images);
  return created;
}

describe('StepRunner', () => {
  it('repeats a run exactly from its seed, and another seed draws other noise', async () => {
    const losses = async (seed: number) => {
      const r = await runner({ seed });
      const out: number[] = [];
      for (let i = 0; i < 3; i++) out.push((await r.step()).get('loss')!);
      await r.release();
      return out;
    };
    const first = await losses(9);
    expect(await losses(9)).toEqual(first);
    expect(await losses(10)).not.toEqual(first);
  });

  it('writes into the same buffers every step and fetches every loss part', async () => {
    const r = await runner();
    const params = r.paramArrays[0];
    const grads = r.gradArrays[0];
    const before = Float32Array.from(params);
    const losses = await r.step();
    expect([...losses.keys()]).toEqual(['loss', 'loss_reconstruction']);
    expect(r.paramArrays[0]).toBe(params);
    expect(r.gradArrays[0]).toBe(grads);
    expect(params).not.toEqual(before);
    expect(grads.some((g) => g !== 0)).toBe(true);
    await r.release();
  });

  it('uses given random inputs instead of drawing, and checks their size', async () => {
    const r = await runner();
    const given = new Map(graph.randomInputs.map((input) => [input.name, new Float32Array(input.shape.reduce((a, b) => a * b, 1)).fill(input.kind === 'keepMask' ? 1 : 0)]));
    const state = r.random.state;
    const a = (await r.forwardBackward(given)).get('loss');
    const b = (await r.forwardBackward(given)).get('loss');
    expect(a).toBe(b);
    expect(r.random.state).toEqual(state);
    await expect(r.forwardBackward(new Map([[graph.randomInputs[0].name, new Float32Array(1)]]))).rejects.toThrow(/needs \d+ values, got 1/);
    await r.release();
  });

  it('keeps frozen parameters at their starting values', async () => {
    const frozenName = graph.params[0].name;
    const r = await runner({ frozen: (name) => name === frozenName });
    const start = Float32Array.from(r.paramArrays[0]);
    for (let i = 0; i < 3; i++) await r.step();
    expect(r.paramArrays[0]).toEqual(start);
    expect(r.paramArrays[1]).not.toEqual(initParams(spec, 1).get(graph.params[1].name));
    await r.release();
  });
});

describe('StepRunner with data-parallel replicas', () => {
  it('gives the single session loss, gradients and noise stream, and trains alike', async () => {
    const { createOrtEngine } = await import('./ort.ts');
    const batch = 4;
    const batchImages = uniformImages(batch * 49, Random.fromSeed(8));
    const options = { spec, batch, seed: 3, optimizer: { lr: 1e-2 }, threads: 2 };
    const single = await createOrtEngine(options);
    const parallel = await createOrtEngine({ ...options, replicas: 2 });
    try {
      const a = await single.gradients(batchImages);
      const b = await parallel.gradients(batchImages);
      expect(b.loss).toBeCloseTo(a.loss, 6);
      for (const [name, grad] of a.gradients) {
        const other = b.gradients.get(name)!;
        const scale = Math.max(...grad.map(Math.abs), 1e-6);
        expect({ name, difference: Math.max(...grad.map((g, i) => Math.abs(g - other[i]))) / scale }).toEqual({ name, difference: expect.closeTo(0, 5) });
      }
      const losses = async (engine: typeof single) => [(await engine.step(batchImages)).loss, (await engine.step(batchImages)).loss];
      const [first, second] = [await losses(single), await losses(parallel)];
      second.forEach((loss, i) => expect(loss).toBeCloseTo(first[i], 5));
      expect(parallel.state().rng).toEqual(single.state().rng);
    } finally {
      await single.dispose();
      await parallel.dispose();
    }
  });

  it('rejects replicas that do not divide the batch', async () => {
    const { createOrtEngine } = await import('./ort.ts');
    await expect(createOrtEngine({ spec, batch: 3, seed: 1, replicas: 2 })).rejects.toThrow(/divides the batch 3/);
  });
});

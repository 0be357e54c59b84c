import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BatchOrder } from './batch-order.ts';
import { loadCheckpoint, saveCheckpoint } from './checkpoint.ts';
import { FEATURES, linearProgram, syntheticImages } from './fixtures/linear-program.ts';
import { parseModel } from '../model/spec.ts';
import { createOrtEngine, OrtEngine } from './ort.ts';

const BATCH = 4;
const DATA = syntheticImages(10, 4);
const directory = await mkdtemp(join(tmpdir(), 'latentlab-ckpt-'));
afterAll(() => rm(directory, { recursive: true, force: true }));

const create = () => OrtEngine.create(linearProgram(BATCH), { seed: 5, optimizer: { kind: 'adamw', lr: 0.02, weightDecay: 0.01 }, threads: 1 });

/** Steps on batches chosen by `order` (so the data order is part of what must resume). */
async function train(engine: OrtEngine, order: BatchOrder, steps: number): Promise<number[]> {
  const indices = new Uint32Array(BATCH);
  const batch = new Float32Array(BATCH * FEATURES);
  const losses: number[] = [];
  for (let s = 0; s < steps; s++) {
    order.next(indices).forEach((index, i) => batch.set(DATA.subarray(index * FEATURES, (index + 1) * FEATURES), i * FEATURES));
    losses.push((await engine.step(batch)).loss);
  }
  return losses;
}

describe('checkpoints', () => {
  it('resume exactly: N/2 steps, save, fresh engine, load, N/2 steps equals N steps', async () => {
    const straight = await create();
    const uninterrupted = await train(straight, BatchOrder.create(DATA.length / FEATURES, 9), 12);

    const first = await create();
    const order = BatchOrder.create(DATA.length / FEATURES, 9);
    const before = await train(first, order, 6);
    const path = join(directory, 'run.ckpt');
    await saveCheckpoint(path, { engine: first.state(), data: order.state, meta: { model: 'linear' } });
    await first.dispose();

    const checkpoint = await loadCheckpoint(path);
    expect(checkpoint.meta).toEqual({ model: 'linear' });
    const second = await create();
    second.load(checkpoint.engine);
    const after = await train(second, BatchOrder.fromState(checkpoint.data as never), 6);

    expect([...before, ...after]).toEqual(uninterrupted);
    expect(second.state()).toEqual(straight.state());
    await Promise.all([straight.dispose(), second.dispose()]);
  });

  it('resume exactly on a conv model whose dropout and noise draw from the engine generator', async () => {
    const spec = parseModel({
      name: 'tiny-stochastic',
      input: [1, 4, 4],
      encoder: [{ type: 'gaussianNoise', std: 0.1 }, { type: 'conv2d', out: 2, kernel: 3, stride: 2, padding: 1 }, { type: 'relu' }, { type: 'flatten' }, { type: 'dropout', rate: 0.25 }, { type: 'linear', out: 3 }],
      decoder: [{ type: 'linear', out: 16 }, { type: 'reshape', shape: [1, 4, 4] }, { type: 'sigmoid' }],
    });
    const make = () => createOrtEngine({ spec, batch: 2, seed: 3, threads: 1 });
    const images = Float32Array.from({ length: 32 }, (_, i) => (i % 7) / 7);
    const run = async (engine: OrtEngine, steps: number) => {
      const losses: number[] = [];
      for (let s = 0; s < steps; s++) losses.push((await engine.step(images)).loss);
      return losses;
    };
    const straight = await make();
    const uninterrupted = await run(straight, 6);
    const first = await make();
    const before = await run(first, 3);
    const path = join(directory, 'stochastic.ckpt');
    await saveCheckpoint(path, { engine: first.state() });
    const second = await make();
    second.load((await loadCheckpoint(path)).engine);
    expect([...before, ...(await run(second, 3))]).toEqual(uninterrupted);
    // Without the generator's state the masks differ, and so does the curve.
    const unseeded = await make();
    unseeded.load({ ...first.state(), rng: [1, 2, 3, 4] });
    expect(await run(unseeded, 3)).not.toEqual(uninterrupted.slice(3));
    await Promise.all([straight, first, second, unseeded].map((e) => e.dispose()));
  });

  it('replaces the file atomically and leaves no temporary files', async () => {
    const engine = await create();
    const path = join(directory, 'atomic.ckpt');
    await saveCheckpoint(path, { engine: engine.state() });
    await engine.step(DATA.subarray(0, BATCH * FEATURES));
    await saveCheckpoint(path, { engine: engine.state() });
    expect((await loadCheckpoint(path)).engine.step).toBe(1);
    expect((await readdir(directory)).filter((f) => f.startsWith('atomic'))).toEqual(['atomic.ckpt']);
    await engine.dispose();
  });

  it('rejects files that are not intact checkpoints', async () => {
    const engine = await create();
    const path = join(directory, 'bad.ckpt');
    await saveCheckpoint(path, { engine: engine.state() });
    const bytes = await readFile(path);
    await writeFile(path, bytes.subarray(0, bytes.length - 4));
    await expect(loadCheckpoint(path)).rejects.toThrow(/holds \d+ bytes, its header describes \d+/);
    await writeFile(path, 'hello world, not a checkpoint');
    await expect(loadCheckpoint(path)).rejects.toThrow(/bad magic/);
    await engine.dispose();
  });
});

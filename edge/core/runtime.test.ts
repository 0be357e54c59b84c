import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { createFixtureModel, memoryModelSource, type FixtureModel } from '../../train/testing/fixture-model.ts';
import { loadModel } from './model-loader.ts';
import { ModelRegistry } from './registry.ts';
import { ModelRuntime, type InferenceBackend } from './runtime.ts';

/** onnxruntime-node, counting session creations and runs. */
function countingBackend() {
  const counts = { created: 0, runs: 0, batchSizes: [] as number[] };
  const backend: InferenceBackend = {
    Tensor: ort.Tensor,
    InferenceSession: {
      async create(model, options) {
        counts.created++;
        const session = await ort.InferenceSession.create(model, options);
        const run = session.run.bind(session);
        session.run = ((feeds: Record<string, ort.Tensor>) => {
          counts.runs++;
          counts.batchSizes.push(Object.values(feeds)[0].dims[0]);
          return run(feeds);
        }) as typeof session.run;
        return session;
      },
    },
  };
  return { backend, counts };
}

let fixture: FixtureModel;
beforeAll(async () => {
  fixture = await createFixtureModel();
});

describe('ModelRuntime', () => {
  it('creates each session once, batches items into runs, and survives concurrent calls', async () => {
    const { backend, counts } = countingBackend();
    const runtime = new ModelRuntime(await loadModel(memoryModelSource([fixture]).reader('fixture')), backend, { maxBatch: 4, maxConcurrentRuns: 2 });
    const latents = Array.from({ length: 10 }, (_, k) => new Float32Array(8).fill(k / 10));
    const images = await runtime.decode(latents);
    expect(images).toHaveLength(10);
    expect(images[0]).toHaveLength(3 * 16 * 16);
    expect(counts.batchSizes).toEqual([4, 4, 2]);
    const together = await Promise.all([runtime.encode(images.slice(0, 3)), runtime.encode(images.slice(3, 5)), runtime.decode(latents.slice(0, 1))]);
    expect(together.map((r) => r.length)).toEqual([3, 2, 1]);
    expect(counts.created).toBe(2);
    await expect(runtime.decode([new Float32Array(3)])).rejects.toThrow(/item has 3 values, expected 8/);
  });
});

describe('ModelRegistry', () => {
  it('returns undefined for unknown ids, shares one runtime per model, and retries a failed load', async () => {
    const source = memoryModelSource([fixture]);
    let failNext = true;
    const flaky = {
      list: source.list,
      reader: (id: string) => async (path: string) => {
        if (failNext && path === 'encoder.onnx') {
          failNext = false;
          throw new Error('disk hiccup');
        }
        return source.reader(id)(path);
      },
    };
    const registry = new ModelRegistry(flaky, ort);
    expect(await registry.get('missing')).toBeUndefined();
    await expect(registry.get('fixture')).rejects.toThrow(/disk hiccup/);
    const first = await registry.get('fixture');
    expect(await registry.get('fixture')).toBe(first);
    expect(await registry.list()).toEqual(['fixture']);
  });
});

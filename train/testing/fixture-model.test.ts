import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { loadModel } from '#core/model-loader.ts';
import { ModelRuntime } from '#core/runtime.ts';
import { Random } from '#core/random.ts';
import { createFixtureModel, memoryModelSource, FIXTURE_DIM } from './fixture-model.ts';
import { syntheticImage } from './synthetic-images.ts';

describe('fixture model', () => {
  it('loads through the contract and reconstructs unseen synthetic images well', async () => {
    const fixture = await createFixtureModel();
    const model = await loadModel(memoryModelSource([fixture]).reader('fixture'));
    const runtime = new ModelRuntime(model, ort);
    const random = Random.fromSeed(99);
    const images = Array.from({ length: 8 }, () => syntheticImage(random, 16).pixels);
    const latents = await runtime.encode(images);
    expect(latents[0]).toHaveLength(FIXTURE_DIM);
    const decoded = await runtime.decode(latents);
    const mse = decoded.reduce((s, d, k) => s + d.reduce((t, v, i) => t + (v - images[k][i]) ** 2, 0) / d.length, 0) / images.length;
    const variance = images.reduce((s, img) => {
      const m = img.reduce((a, b) => a + b, 0) / img.length;
      return s + img.reduce((t, v) => t + (v - m) ** 2, 0) / img.length;
    }, 0) / images.length;
    expect(mse).toBeLessThan(0.35 * variance);
  });
});

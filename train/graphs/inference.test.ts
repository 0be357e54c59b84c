import { describe, expect, it } from 'vitest';
import * as ortNode from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web';
import { Random } from '#core/random.ts';
import { preset } from '../model/presets.ts';
import { initParams, inferShapes } from '../model/shapes.ts';
import { checkModel } from '../onnx/check.ts';
import { buildDecoderGraph, buildEncoderGraph, buildForwardGraph, type WeightStorage } from './inference.ts';
import { buildTrainingGraph } from './training.ts';
import { TINY_MODELS, trainingFeeds, uniformImages } from './testing.ts';

ortWeb.env.wasm.numThreads = 1;

const BATCH = 3;
const maxAbsDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

/**
 * The training graph's reconstruction with its randomness neutralised: zero noise and eps, and a keep-mask
 * of 1 - rate, which the graph's 1 / (1 - rate) rescaling turns into the identity.
 */
async function trainingReconstruction(spec: (typeof TINY_MODELS)[string], params: Map<string, Float32Array>, image: Float32Array) {
  const graph = buildTrainingGraph(spec, { batch: BATCH });
  const neutral = new Map(graph.randomInputs.map((r) => [r.name, new Float32Array(r.shape.reduce((a, b) => a * b, 1)).fill(r.kind === 'keepMask' ? 1 - r.rate! : 0)]));
  const session = await ortNode.InferenceSession.create(graph.bytes);
  const out = await session.run(trainingFeeds(graph, image, params, neutral));
  return out.reconstruction.data as Float32Array;
}

async function encodeDecode(spec: (typeof TINY_MODELS)[string], params: Map<string, Float32Array>, image: Float32Array, weights: WeightStorage) {
  const encoder = await ortNode.InferenceSession.create(buildEncoderGraph(spec, params, { weights }));
  const decoder = await ortNode.InferenceSession.create(buildDecoderGraph(spec, params, { weights }));
  const { latent } = await encoder.run({ image: new ortNode.Tensor('float32', image, [BATCH, ...spec.input]) });
  expect(latent.dims).toEqual([BATCH, inferShapes(spec).latentDim]);
  const decoded = await decoder.run({ latent });
  expect(decoded.image.dims).toEqual([BATCH, ...spec.input]);
  return decoded.image.data as Float32Array;
}

describe.each(Object.entries(TINY_MODELS))('exported %s', (_key, spec) => {
  it('encoder + decoder reproduce the training graph reconstruction (float32, float16 and int8 weights)', async () => {
    const random = Random.fromSeed(3);
    const params = initParams(spec, 9);
    const image = uniformImages(BATCH * spec.input.reduce((a, b) => a * b, 1), random);
    const reference = await trainingReconstruction(spec, params, image);
    expect(maxAbsDiff(await encodeDecode(spec, params, image, 'float32'), reference)).toBeLessThanOrEqual(1e-5);
    // float16 weights (11-bit mantissa) moved these outputs by at most 4.3e-4 when measured.
    expect(maxAbsDiff(await encodeDecode(spec, params, image, 'float16'), reference)).toBeLessThanOrEqual(2e-3);
    const int8 = maxAbsDiff(await encodeDecode(spec, params, image, 'int8'), reference);
    // int8 rows (127 levels each) moved these random-init outputs by at most 6.6e-3 when measured; on the trained
    // faces model they moved the validation MSE by 0.1 % (docs/benchmarks.md).
    expect(int8).toBeLessThanOrEqual(1.5e-2);
    expect(int8).toBeGreaterThan(0);
  });
});

describe('inference graphs', () => {
  it('store float16 weights in about half the bytes, int8 in about a quarter', () => {
    const spec = preset('conv-digits');
    const params = initParams(spec, 1);
    const full = buildDecoderGraph(spec, params).length;
    const half = buildDecoderGraph(spec, params, { weights: 'float16' }).length;
    expect(half).toBeLessThan(0.6 * full);
    expect(buildDecoderGraph(spec, params, { weights: 'int8' }).length).toBeLessThan(0.3 * full);
  });

  it('refuse parameters of the wrong size or with non-finite values', () => {
    const spec = TINY_MODELS.vae;
    const params = initParams(spec, 1);
    expect(() => buildEncoderGraph(spec, new Map(params).set('encoder.0.conv2d.bias', new Float32Array(5)))).toThrow(/encoder\.0\.conv2d\.bias has 5 values/);
    expect(() => buildDecoderGraph(spec, new Map(params).set('decoder.3.conv2d.bias', Float32Array.of(NaN)))).toThrow(/non-finite/);
    const missing = new Map(params);
    missing.delete('vae.mean.weight');
    expect(() => buildEncoderGraph(spec, missing)).toThrow(/vae\.mean\.weight is missing/);
  });

  it('every emitted graph passes the checker and runs in onnxruntime-web as in onnxruntime-node', async () => {
    for (const spec of Object.values(TINY_MODELS)) {
      const params = initParams(spec, 2);
      const random = Random.fromSeed(4);
      const image = uniformImages(2 * spec.input.reduce((a, b) => a * b, 1), random);
      const training = buildTrainingGraph(spec, { batch: 2 });
      const noise = new Map(training.randomInputs.map((r) => [r.name, Float32Array.from({ length: r.shape.reduce((a, b) => a * b, 1) }, () => (r.kind === 'keepMask' ? 1 : random.normal()))]));
      const graphs: [string, Uint8Array, Record<string, ortNode.Tensor>][] = [
        ['training', training.bytes, trainingFeeds(training, image, params, noise)],
        ['encoder', buildEncoderGraph(spec, params), { image: new ortNode.Tensor('float32', image, [2, ...spec.input]) }],
        ['decoder', buildDecoderGraph(spec, params, { weights: 'int8' }), { latent: new ortNode.Tensor('float32', new Float32Array(2 * inferShapes(spec).latentDim).fill(0.3), [2, inferShapes(spec).latentDim]) }],
        ['forward', buildForwardGraph(spec, params), { image: new ortNode.Tensor('float32', image, [2, ...spec.input]) }],
      ];
      for (const [what, bytes, feeds] of graphs) {
        expect(checkModel(bytes), `${spec.name} ${what}`).toEqual([]);
        const nodeOut = await (await ortNode.InferenceSession.create(bytes)).run(feeds);
        const webFeeds = Object.fromEntries(Object.entries(feeds).map(([k, t]) => [k, new ortWeb.Tensor('float32', t.data as Float32Array, t.dims)]));
        const webOut = await (await ortWeb.InferenceSession.create(bytes)).run(webFeeds);
        for (const name of Object.keys(nodeOut)) {
          expect(maxAbsDiff(webOut[name].data as Float32Array, nodeOut[name].data as Float32Array), `${spec.name} ${what} ${name}`).toBeLessThanOrEqual(1e-4);
        }
      }
    }
  });
});

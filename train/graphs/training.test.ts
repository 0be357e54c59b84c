import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { Random } from '#core/random.ts';
import { initParams } from '../model/shapes.ts';
import { buildTrainingGraph, type TrainingGraph } from './training.ts';
import { TINY_MODELS, drawRandomInputs, trainingFeeds, uniformImages } from './testing.ts';

const BATCH = 2;

async function lossAndGradients(session: ort.InferenceSession, graph: TrainingGraph, image: Float32Array, params: Map<string, Float32Array>, random: Map<string, Float32Array>) {
  const out = await session.run(trainingFeeds(graph, image, params, random));
  return { out, loss: Number((out.loss.data as Float32Array)[0]) };
}

/**
 * Central differences along one random unit direction per parameter tensor. The step actually taken
 * (after float32 rounding of the perturbed weights) is what the analytic gradient is projected on, in float64.
 */
describe.each(Object.entries(TINY_MODELS))('training graph of %s', (_key, spec) => {
  it('has gradients that match central finite differences', async () => {
    const graph = buildTrainingGraph(spec, { batch: BATCH });
    const session = await ort.InferenceSession.create(graph.bytes);
    const random = Random.fromSeed(11);
    const params = initParams(spec, 5);
    for (const values of params.values()) for (let i = 0; i < values.length; i++) values[i] += 0.1 * random.normal();
    const image = uniformImages(graph.image.shape.reduce((a, b) => a * b, 1), random);
    const noise = drawRandomInputs(graph, random);
    const base = await lossAndGradients(session, graph, image, params, noise);

    const parts = graph.losses.parts.map((name) => Number((base.out[name].data as Float32Array)[0]));
    expect(base.loss).toBeCloseTo(parts.reduce((a, b) => a + b, 0), 5);
    expect(graph.gradients).toHaveLength(graph.params.length);

    const eps = 1e-3;
    for (const [index, { name }] of graph.params.entries()) {
      const theta = params.get(name)!;
      const grad = base.out[graph.gradients[index]].data as Float32Array;
      // Half along the gradient, half random: the step then moves the float32 loss by many ulps, and a wrong
      // component of the gradient still shows as a mismatch.
      const gradNorm = Math.hypot(...grad) || 1;
      const noiseDirection = Float64Array.from(theta, () => random.normal());
      const noiseNorm = Math.hypot(...noiseDirection);
      const direction = noiseDirection.map((r, i) => grad[i] / gradNorm + r / noiseNorm);
      const norm = Math.hypot(...direction);
      const plus = Float32Array.from(theta, (v, i) => v + (eps * direction[i]) / norm);
      const minus = Float32Array.from(theta, (v, i) => v - (eps * direction[i]) / norm);
      const lossAt = async (values: Float32Array) => (await lossAndGradients(session, graph, image, new Map(params).set(name, values), noise)).loss;
      const numeric = (await lossAt(plus)) - (await lossAt(minus));
      let analytic = 0;
      for (let i = 0; i < theta.length; i++) analytic += grad[i] * (plus[i] - minus[i]);
      const relative = Math.abs(numeric - analytic) / Math.max(Math.abs(numeric), Math.abs(analytic), 1e-6);
      expect({ name, relative: relative <= 1e-2 ? 'ok' : relative, numeric, analytic }).toMatchObject({ name, relative: 'ok' });
    }
  });
});

describe('training graph interface', () => {
  it('declares every random input with its kind, and its loss parts', () => {
    const stochastic = buildTrainingGraph(TINY_MODELS.stochastic, { batch: 3 });
    expect(stochastic.randomInputs).toEqual([
      { name: 'encoder.0.gaussianNoise.noise', shape: [3, 1, 7, 7], kind: 'normal', std: 0.1 },
      { name: 'encoder.3.dropout.keep_mask', shape: [3, 3, 2, 2], kind: 'keepMask', rate: 0.3 },
    ]);
    expect(stochastic.losses).toEqual({ total: 'loss', parts: ['loss_reconstruction'] });
    const vae = buildTrainingGraph(TINY_MODELS.vae, { batch: 3 });
    expect(vae.randomInputs).toEqual([{ name: 'vae.eps', shape: [3, 3], kind: 'normal', std: 1 }]);
    expect(vae.losses.parts).toEqual(['loss_reconstruction', 'loss_sparsity', 'loss_kl']);
    expect(vae.params.map((p) => p.name)).toContain('vae.logvar.weight');
    expect(vae.gradients[0]).toBe('encoder.0.conv2d.weight.grad');
  });

  it('rejects a batch size that is not a positive integer', () => {
    expect(() => buildTrainingGraph(TINY_MODELS.vae, { batch: 0 })).toThrow(/batch/);
  });
});

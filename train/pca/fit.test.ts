import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { Random } from '#core/random.ts';
import { pcaDecoderOnnx, pcaEncoderOnnx } from './export.ts';
import { fitPca, orthonormalize, pcaDecode, pcaEncode } from './fit.ts';
import { reconstructionMetrics, runAutoencoderOnnx } from './metrics.ts';

/** `count` images of [C,H,W] in [0.2, 0.8] lying exactly in a `rank`-dimensional affine subspace. */
function lowRankImages(count: number, shape: [number, number, number], rank: number, seed: number): Float32Array {
  const random = Random.fromSeed(seed);
  const size = shape[0] * shape[1] * shape[2];
  const directions = Array.from({ length: rank }, () => Array.from({ length: size }, () => random.normal() / Math.sqrt(size)));
  const images = new Float32Array(count * size);
  for (let n = 0; n < count; n++) {
    const weights = Array.from({ length: rank }, (_, r) => (random.uniform() - 0.5) * (rank - r) * 0.3);
    for (let i = 0; i < size; i++) images[n * size + i] = 0.5 + directions.reduce((s, d, r) => s + weights[r] * d[i], 0);
  }
  return images;
}

describe('fitPca', () => {
  const shape: [number, number, number] = [3, 4, 5];

  it('reconstructs low-rank data exactly through the exported ONNX encoder and decoder', async () => {
    const images = lowRankImages(80, shape, 4, 1);
    for (const method of ['randomized', 'covariance'] as const) {
      const model = await fitPca(ort, images, 80, shape, 6, { method, seed: 2 });
      const { codes, reconstructions, dim } = await runAutoencoderOnnx(pcaEncoderOnnx(model), pcaDecoderOnnx(model), images, 80, shape, 32);
      expect(dim).toBe(6);
      expect(reconstructionMetrics(images, reconstructions, 80).mse).toBeLessThan(1e-10);
      const reference = pcaEncode(model, images, 1);
      codes.subarray(0, 6).forEach((v, j) => expect(v).toBeCloseTo(reference[j], 5));
      expect(model.variances[4]).toBeLessThan(1e-5 * model.variances[0]);
    }
  });

  it('finds the same leading components and variances by either method', async () => {
    const images = lowRankImages(60, shape, 10, 3);
    const exact = await fitPca(ort, images, 60, shape, 3, { method: 'covariance' });
    const fast = await fitPca(ort, images, 60, shape, 3, { method: 'randomized', seed: 5 });
    for (let j = 0; j < 3; j++) expect(fast.variances[j] / exact.variances[j]).toBeCloseTo(1, 4);
    const size = 60;
    for (let j = 0; j < 3; j++) {
      const dot = Array.from({ length: size }, (_, i) => fast.components[j * size + i] * exact.components[j * size + i]).reduce((a, b) => a + b, 0);
      expect(dot).toBeCloseTo(1, 3);
    }
    const codes = pcaEncode(fast, images, 60);
    const lossy = reconstructionMetrics(images, pcaDecode(fast, codes, 60), 60);
    // On its own training data, PCA's squared error is exactly the variance of the dropped components.
    const dropped = exact.totalVariance - exact.variances.reduce((a, b) => a + b, 0);
    expect(lossy.mse / ((dropped * 59) / 60 / size)).toBeCloseTo(1, 3);
  });

  it('rejects a code size the data cannot support', async () => {
    await expect(fitPca(ort, new Float32Array(10 * 60), 10, shape, 10)).rejects.toThrow(/code size 10 must be an integer from 1 to 9/);
    await expect(fitPca(ort, new Float32Array(7), 10, shape, 2)).rejects.toThrow(/7 values are not 10 images/);
  });

  it('orthonormalizes a rank-deficient panel into a full orthonormal basis', () => {
    const panel = Float32Array.from({ length: 8 * 3 }, (_, i) => (i % 3 === 2 ? 0 : (i % 3) + Math.floor(i / 3)));
    const basis = orthonormalize(panel, 8, 3, Random.fromSeed(1));
    for (let a = 0; a < 3; a++) {
      for (let b = 0; b < 3; b++) {
        const dot = Array.from({ length: 8 }, (_, r) => basis[r * 3 + a] * basis[r * 3 + b]).reduce((s, v) => s + v, 0);
        expect(dot).toBeCloseTo(a === b ? 1 : 0, 5);
      }
    }
  });
});

import { describe, expect, it } from 'vitest';
import { sampleLatents } from '#core/latent.ts';
import { Random } from '#core/random.ts';
import { fitGaussianMixture, mixtureLogLikelihood } from './density.ts';

/** Two well-separated, differently shaped clusters in 3-D: 70 % around (4, 0, 0), 30 % around (−4, 2, 0). */
function clusters(count: number, seed: number): Float32Array {
  const random = Random.fromSeed(seed);
  const codes = new Float32Array(count * 3);
  for (let n = 0; n < count; n++) {
    const [a, b, c] = [random.normal(), random.normal(), random.normal()];
    const point = random.uniform() < 0.7 ? [4 + 0.5 * a, 0.5 * b + 0.4 * a, 0.2 * c] : [-4 + 0.3 * a, 2 + 1.2 * b, 0.6 * c];
    codes.set(point, n * 3);
  }
  return codes;
}

describe('fitGaussianMixture', () => {
  const train = clusters(2000, 1);
  const heldOut = clusters(500, 2);

  it('recovers the clusters: weights, means and a better held-out likelihood than one Gaussian', () => {
    const two = fitGaussianMixture(train, 2000, 3, { components: 2, seed: 5 });
    const one = fitGaussianMixture(train, 2000, 3, { components: 1, seed: 5 });
    const order = two.mixture.means[0] > 0 ? [0, 1] : [1, 0];
    expect(two.mixture.weights[order[0]]).toBeCloseTo(0.7, 1);
    expect(two.mixture.means.slice(order[0] * 3, order[0] * 3 + 2).map((v) => Math.round(v) + 0)).toEqual([4, 0]);
    expect(two.mixture.means.slice(order[1] * 3, order[1] * 3 + 2).map((v) => Math.round(v) + 0)).toEqual([-4, 2]);
    expect(mixtureLogLikelihood(two.mixture, heldOut, 500, 3)).toBeGreaterThan(mixtureLogLikelihood(one.mixture, heldOut, 500, 3) + 1);
    expect(two.trainLogLikelihood).toBeCloseTo(mixtureLogLikelihood(two.mixture, train, 2000, 3), 2);
  });

  it('is deterministic per seed, and samples from it land in the clusters in proportion', () => {
    const a = fitGaussianMixture(train, 2000, 3, { components: 2, seed: 9 });
    expect(fitGaussianMixture(train, 2000, 3, { components: 2, seed: 9 })).toEqual(a);
    const samples = sampleLatents({ dim: 3, mean: [0, 0, 0], std: [1, 1, 1], mixture: a.mixture }, 3000, 4);
    const right = samples.filter((z) => z[0] > 0).length / samples.length;
    expect(right).toBeGreaterThan(0.66);
    expect(right).toBeLessThan(0.74);
    expect(samples.every((z) => Math.abs(Math.abs(z[0]) - 4) < 3)).toBe(true);
  });

  it('refuses more components than the codes can support', () => {
    expect(() => fitGaussianMixture(train.subarray(0, 30), 10, 3, { components: 4, seed: 1 })).toThrow(/need more than 16 codes/);
  });
});

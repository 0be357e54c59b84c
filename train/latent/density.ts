import { cholesky } from '#core/latent.ts';
import type { LatentMixture } from '#core/manifest.ts';
import { Random } from '#core/random.ts';
import { checkCodes } from './statistics.ts';

/**
 * A full-covariance Gaussian mixture fitted to training codes by expectation–maximisation, the density that RAE
 * (Ghosh et al. 2020, "From Variational to Deterministic Autoencoders") samples a deterministic autoencoder's codes
 * from. Written here because no maintained JS library fits full-covariance mixtures; the maths is the textbook EM
 * (Bishop, PRML §9.2) with a ridge on every covariance so a component never collapses onto a few codes.
 */
export interface MixtureFitOptions {
  components: number;
  seed: number;
  /** EM stops after this many iterations or when the mean log-likelihood gains less than `tolerance`. */
  maxIterations?: number;
  tolerance?: number;
  /** Added to every covariance's diagonal, as a fraction of the codes' mean variance. */
  ridge?: number;
}

export interface MixtureFit {
  mixture: LatentMixture;
  iterations: number;
  /** Mean log-density of the training codes under the fitted mixture (nats per code). */
  trainLogLikelihood: number;
}

interface Component {
  weight: number;
  mean: Float64Array;
  /** Row-major dim×dim lower Cholesky factor of the covariance. */
  lower: Float64Array;
  logNormaliser: number;
}

const LOG_2PI = Math.log(2 * Math.PI);

function prepare(weight: number, mean: Float64Array, covariance: Float64Array, dim: number): Component {
  const lower = cholesky(covariance, dim);
  let logDet = 0;
  for (let i = 0; i < dim; i++) logDet += 2 * Math.log(lower[i * dim + i]);
  return { weight, mean, lower, logNormaliser: Math.log(weight) - 0.5 * (dim * LOG_2PI + logDet) };
}

/** log w_k + log N(x | μ_k, Σ_k), by forward substitution through the Cholesky factor. */
function logJoint(c: Component, x: ArrayLike<number>, offset: number, dim: number, work: Float64Array): number {
  let squared = 0;
  for (let i = 0; i < dim; i++) {
    let sum = x[offset + i] - c.mean[i];
    for (let k = 0; k < i; k++) sum -= c.lower[i * dim + k] * work[k];
    work[i] = sum / c.lower[i * dim + i];
    squared += work[i] * work[i];
  }
  return c.logNormaliser - 0.5 * squared;
}

/** Responsibilities (count×K, row-major) and the mean log-likelihood of the codes. */
function expectation(components: Component[], codes: Float32Array, count: number, dim: number): { resp: Float64Array; logLikelihood: number } {
  const K = components.length;
  const resp = new Float64Array(count * K);
  const work = new Float64Array(dim);
  let total = 0;
  for (let n = 0; n < count; n++) {
    let max = -Infinity;
    for (let k = 0; k < K; k++) max = Math.max(max, (resp[n * K + k] = logJoint(components[k], codes, n * dim, dim, work)));
    let sum = 0;
    for (let k = 0; k < K; k++) sum += resp[n * K + k] = Math.exp(resp[n * K + k] - max);
    for (let k = 0; k < K; k++) resp[n * K + k] /= sum;
    total += max + Math.log(sum);
  }
  return { resp, logLikelihood: total / count };
}

function maximisation(resp: Float64Array, codes: Float32Array, count: number, dim: number, K: number, ridge: number): Component[] {
  return Array.from({ length: K }, (_, k) => {
    let mass = 0;
    const mean = new Float64Array(dim);
    for (let n = 0; n < count; n++) {
      const r = resp[n * K + k];
      mass += r;
      for (let i = 0; i < dim; i++) mean[i] += r * codes[n * dim + i];
    }
    mass = Math.max(mass, 1e-12);
    for (let i = 0; i < dim; i++) mean[i] /= mass;
    const covariance = new Float64Array(dim * dim);
    const centred = new Float64Array(dim);
    for (let n = 0; n < count; n++) {
      const r = resp[n * K + k];
      if (r < 1e-10) continue;
      for (let i = 0; i < dim; i++) centred[i] = codes[n * dim + i] - mean[i];
      for (let i = 0; i < dim; i++) {
        const ri = r * centred[i];
        for (let j = 0; j <= i; j++) covariance[i * dim + j] += ri * centred[j];
      }
    }
    for (let i = 0; i < dim; i++) {
      for (let j = 0; j <= i; j++) covariance[j * dim + i] = covariance[i * dim + j] /= mass;
      covariance[i * dim + i] += ridge;
    }
    return prepare(mass / count, mean, covariance, dim);
  });
}

/** k-means++ seeds, so EM starts from spread-out centres (Arthur & Vassilvitskii 2007), then hard assignments. */
function initialResponsibilities(codes: Float32Array, count: number, dim: number, K: number, random: Random): Float64Array {
  const distance = (n: number, c: number) => {
    let d = 0;
    for (let i = 0; i < dim; i++) d += (codes[n * dim + i] - codes[c * dim + i]) ** 2;
    return d;
  };
  const centres = [Math.floor(random.uniform() * count)];
  const nearest = Float64Array.from({ length: count }, (_, n) => distance(n, centres[0]));
  while (centres.length < K) {
    let total = 0;
    for (let n = 0; n < count; n++) total += nearest[n];
    let pick = random.uniform() * total;
    let chosen = count - 1;
    for (let n = 0; n < count; n++) if ((pick -= nearest[n]) <= 0) { chosen = n; break; }
    centres.push(chosen);
    for (let n = 0; n < count; n++) nearest[n] = Math.min(nearest[n], distance(n, chosen));
  }
  const resp = new Float64Array(count * K);
  for (let n = 0; n < count; n++) {
    let best = 0;
    for (let k = 1; k < K; k++) if (distance(n, centres[k]) < distance(n, centres[best])) best = k;
    resp[n * K + best] = 1;
  }
  return resp;
}

export function fitGaussianMixture(codes: Float32Array, count: number, dim: number, options: MixtureFitOptions): MixtureFit {
  checkCodes(codes, count, dim);
  const { components: K, seed, maxIterations = 100, tolerance = 1e-3, ridge = 1e-3 } = options;
  if (!Number.isInteger(K) || K < 1 || K * (dim + 1) > count) throw new Error(`${K} components need more than ${K * (dim + 1)} codes, got ${count}`);
  let variance = 0;
  for (let i = 0; i < dim; i++) {
    let mean = 0;
    let square = 0;
    for (let n = 0; n < count; n++) {
      mean += codes[n * dim + i];
      square += codes[n * dim + i] ** 2;
    }
    variance += square / count - (mean / count) ** 2;
  }
  const ridgeValue = (ridge * variance) / dim;
  let components = maximisation(initialResponsibilities(codes, count, dim, K, Random.fromSeed(seed)), codes, count, dim, K, ridgeValue);
  let previous = -Infinity;
  let iterations = 0;
  let logLikelihood = -Infinity;
  while (iterations < maxIterations) {
    const step = expectation(components, codes, count, dim);
    logLikelihood = step.logLikelihood;
    iterations++;
    if (logLikelihood - previous < tolerance) break;
    previous = logLikelihood;
    components = maximisation(step.resp, codes, count, dim, K, ridgeValue);
  }
  return { mixture: toMixture(components, dim), iterations, trainLogLikelihood: logLikelihood };
}

function toMixture(components: Component[], dim: number): LatentMixture {
  const round = (v: number) => Number(v.toPrecision(6));
  return {
    weights: components.map((c) => round(c.weight)),
    means: components.flatMap((c) => Array.from(c.mean, round)),
    lowers: components.flatMap((c) => {
      const packed: number[] = [];
      for (let i = 0; i < dim; i++) for (let j = 0; j <= i; j++) packed.push(round(c.lower[i * dim + j]));
      return packed;
    }),
  };
}

/** Mean log-density of codes (e.g. held-out ones) under a stored mixture. */
export function mixtureLogLikelihood(mixture: LatentMixture, codes: Float32Array, count: number, dim: number): number {
  checkCodes(codes, count, dim);
  const packed = (dim * (dim + 1)) / 2;
  const components = mixture.weights.map((weight, k) => {
    const lower = new Float64Array(dim * dim);
    let p = k * packed;
    for (let i = 0; i < dim; i++) for (let j = 0; j <= i; j++) lower[i * dim + j] = mixture.lowers[p++];
    let logDet = 0;
    for (let i = 0; i < dim; i++) logDet += 2 * Math.log(lower[i * dim + i]);
    const mean = Float64Array.from(mixture.means.slice(k * dim, (k + 1) * dim));
    return { weight, mean, lower, logNormaliser: Math.log(weight) - 0.5 * (dim * LOG_2PI + logDet) };
  });
  return expectation(components, codes, count, dim).logLikelihood;
}

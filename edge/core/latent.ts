import { InputError } from './errors.ts';
import { Random } from './random.ts';
import type { LatentMixture } from './manifest.ts';

export type Latent = Float32Array;

/** Checks a caller-supplied latent: an array of `dim` finite numbers. */
export function parseLatent(value: unknown, dim: number, name = 'latent'): Latent {
  if (!Array.isArray(value)) throw new InputError(422, 'invalid_latent', `${name} must be an array of ${dim} numbers`);
  if (value.length !== dim) {
    throw new InputError(422, 'invalid_latent', `${name} has ${value.length} values; this model's latent has ${dim}`, { expected: dim, received: value.length });
  }
  const out = new Float32Array(dim);
  for (let i = 0; i < dim; i++) {
    const v = value[i];
    if (typeof v !== 'number' || !Number.isFinite(v) || Math.abs(v) > 3.4e38) {
      throw new InputError(422, 'invalid_latent', `${name}[${i}] is ${JSON.stringify(v) ?? String(v)}; every value must be a finite number`);
    }
    out[i] = v;
  }
  return out;
}

function sameLength(...latents: Latent[]): number {
  const dim = latents[0].length;
  if (latents.some((l) => l.length !== dim)) throw new Error('latents differ in length');
  return dim;
}

export function lerp(a: Latent, b: Latent, t: number): Latent {
  const dim = sameLength(a, b);
  const out = new Float32Array(dim);
  for (let i = 0; i < dim; i++) out[i] = a[i] + t * (b[i] - a[i]);
  return out;
}

function norm(v: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < v.length; i++) sum += v[i] * v[i];
  return Math.sqrt(sum);
}

/**
 * Spherical interpolation around the latent mean: codes are centred first, because the great circle
 * through two uncentred codes runs far from where the training codes live.
 */
export function slerp(a: Latent, b: Latent, t: number, center?: ArrayLike<number>): Latent {
  const dim = sameLength(a, b);
  const c = center ?? new Float32Array(dim);
  const ua = new Float64Array(dim);
  const ub = new Float64Array(dim);
  for (let i = 0; i < dim; i++) {
    ua[i] = a[i] - c[i];
    ub[i] = b[i] - c[i];
  }
  const na = norm(ua);
  const nb = norm(ub);
  if (na === 0 || nb === 0) return lerp(a, b, t);
  let dot = 0;
  for (let i = 0; i < dim; i++) dot += (ua[i] / na) * (ub[i] / nb);
  const omega = Math.acos(Math.min(1, Math.max(-1, dot)));
  if (Math.sin(omega) < 1e-6) return lerp(a, b, t);
  const wa = Math.sin((1 - t) * omega) / Math.sin(omega);
  const wb = Math.sin(t * omega) / Math.sin(omega);
  const out = new Float32Array(dim);
  for (let i = 0; i < dim; i++) out[i] = c[i] + wa * ua[i] + wb * ub[i];
  return out;
}

export type InterpolationPath = 'linear' | 'spherical';

/** `frames` latents from a to b inclusive. */
export function interpolate(a: Latent, b: Latent, frames: number, path: InterpolationPath, center?: ArrayLike<number>): Latent[] {
  if (!Number.isInteger(frames) || frames < 2) throw new Error('interpolate needs at least 2 frames');
  return Array.from({ length: frames }, (_, k) => {
    const t = k / (frames - 1);
    return path === 'spherical' ? slerp(a, b, t, center) : lerp(a, b, t);
  });
}

/** z + Σ strength·vector over the named attributes. */
export function applyAttributes(z: Latent, edits: { vector: ArrayLike<number>; strength: number }[]): Latent {
  const out = Float32Array.from(z);
  for (const { vector, strength } of edits) {
    if (vector.length !== z.length) throw new Error('attribute vector length differs from the latent');
    for (let i = 0; i < out.length; i++) out[i] += strength * vector[i];
  }
  return out;
}

/** A − B + C: "what C becomes when changed the way B became A". */
export function analogy(a: Latent, b: Latent, c: Latent): Latent {
  const dim = sameLength(a, b, c);
  const out = new Float32Array(dim);
  for (let i = 0; i < dim; i++) out[i] = a[i] - b[i] + c[i];
  return out;
}

/**
 * Lower Cholesky factor of a row-major covariance. A tiny diagonal jitter is added and grown until the
 * factorisation succeeds, since covariances estimated from codes are often only semi-definite.
 */
export function cholesky(covariance: ArrayLike<number>, dim: number): Float64Array {
  let scale = 1e-12;
  for (let i = 0; i < dim; i++) scale = Math.max(scale, Math.abs(covariance[i * dim + i]));
  const jitters = [0, 1e-10, 1e-8, 1e-6, 1e-4].map((j) => j * scale);
  for (const jitter of jitters) {
    const L = new Float64Array(dim * dim);
    let ok = true;
    for (let i = 0; i < dim && ok; i++) {
      for (let j = 0; j <= i; j++) {
        let sum = covariance[i * dim + j] + (i === j ? jitter : 0);
        for (let k = 0; k < j; k++) sum -= L[i * dim + k] * L[j * dim + k];
        if (i === j) {
          if (!(sum > 0)) {
            ok = false;
            break;
          }
          L[i * dim + i] = Math.sqrt(sum);
        } else {
          L[i * dim + j] = sum / L[j * dim + j];
        }
      }
    }
    if (ok) return L;
  }
  throw new Error('covariance is not positive definite, even with jitter');
}

export interface LatentStatistics {
  dim: number;
  mean: ArrayLike<number>;
  std: ArrayLike<number>;
  covariance?: ArrayLike<number>;
  mixture?: LatentMixture;
}

/** One Gaussian to draw from: its mean and `offset(eps, i)`, the i-th value of L·eps for its covariance factor L. */
interface Draw {
  mean: ArrayLike<number>;
  offset: (eps: Float64Array, i: number) => number;
}

/** Row i of a lower-triangular factor (stored from `rowStart`) times eps: the i-th value of L·eps. */
function lowerRowDot(factor: ArrayLike<number>, rowStart: number, eps: Float64Array, i: number): number {
  let sum = 0;
  for (let k = 0; k <= i; k++) sum += factor[rowStart + k] * eps[k];
  return sum;
}

function gaussianDraws(stats: LatentStatistics): { weights: number[]; draws: Draw[] } {
  const { dim, mean, std, covariance, mixture } = stats;
  if (mixture) {
    const packed = (dim * (dim + 1)) / 2;
    const draws = mixture.weights.map((_, c): Draw => {
      const base = c * packed;
      return {
        mean: Array.prototype.slice.call(mixture.means, c * dim, (c + 1) * dim),
        // Packed rows: row i starts after the 1 + 2 + … + i values of the rows above it.
        offset: (eps, i) => lowerRowDot(mixture.lowers, base + (i * (i + 1)) / 2, eps, i),
      };
    });
    return { weights: mixture.weights, draws };
  }
  const factor = covariance ? cholesky(covariance, dim) : undefined;
  const offset = factor ? (eps: Float64Array, i: number) => lowerRowDot(factor, i * dim, eps, i) : (eps: Float64Array, i: number) => std[i] * eps[i];
  return { weights: [1], draws: [{ mean, offset }] };
}

/**
 * `count` latents, deterministically per seed: from the stored mixture when the model has one (a component picked by
 * its weight, then that Gaussian), else from N(mean, covariance), else N(mean, diag(std²)).
 */
export function sampleLatents(stats: LatentStatistics, count: number, seed: number, temperature = 1): Latent[] {
  const { weights, draws } = gaussianDraws(stats);
  const random = Random.fromSeed(seed);
  return Array.from({ length: count }, () => {
    let pick = weights.length > 1 ? random.uniform() : 0;
    let c = 0;
    while (c < weights.length - 1 && (pick -= weights[c]) > 0) c++;
    const { mean, offset } = draws[c];
    const eps = random.fillNormal(new Float64Array(stats.dim));
    const z = new Float32Array(stats.dim);
    for (let i = 0; i < stats.dim; i++) z[i] = mean[i] + temperature * offset(eps, i);
    return z;
  });
}

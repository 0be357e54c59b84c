import { Random } from '../core/random.ts';

export interface PcaFit {
  mean: Float32Array;
  /** k components of length d, row-major k×d, orthonormal. */
  components: Float32Array;
  k: number;
  d: number;
}

/**
 * PCA by subspace iteration on the n×n Gram matrix (n samples ≪ d pixels), enough for a test fixture;
 * the trainer's PCA is the production one.
 */
export function fitPca(samples: Float32Array[], k: number, seed = 1): PcaFit {
  const n = samples.length;
  const d = samples[0].length;
  const mean = new Float32Array(d);
  for (const s of samples) for (let j = 0; j < d; j++) mean[j] += s[j] / n;
  const centred = samples.map((s) => Float64Array.from(s, (v, j) => v - mean[j]));
  const gram = new Float64Array(n * n);
  for (let a = 0; a < n; a++) {
    for (let b = a; b < n; b++) {
      let dot = 0;
      for (let j = 0; j < d; j++) dot += centred[a][j] * centred[b][j];
      gram[a * n + b] = gram[b * n + a] = dot;
    }
  }
  const random = Random.fromSeed(seed);
  let q: Float64Array[] = Array.from({ length: k }, () => random.fillNormal(new Float64Array(n)));
  for (let iteration = 0; iteration < 60; iteration++) {
    q = orthonormalise(q.map((v) => multiply(gram, v, n)));
  }
  const components = new Float32Array(k * d);
  q.forEach((v, c) => {
    const row = new Float64Array(d);
    for (let a = 0; a < n; a++) for (let j = 0; j < d; j++) row[j] += v[a] * centred[a][j];
    const norm = Math.sqrt(row.reduce((s, x) => s + x * x, 0)) || 1;
    for (let j = 0; j < d; j++) components[c * d + j] = row[j] / norm;
  });
  return { mean, components, k, d };
}

function multiply(matrix: Float64Array, v: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let j = 0; j < n; j++) sum += matrix[i * n + j] * v[j];
    out[i] = sum;
  }
  return out;
}

function orthonormalise(vectors: Float64Array[]): Float64Array[] {
  const out: Float64Array[] = [];
  for (const v of vectors) {
    const w = Float64Array.from(v);
    for (const u of out) {
      const dot = u.reduce((s, x, i) => s + x * w[i], 0);
      for (let i = 0; i < w.length; i++) w[i] -= dot * u[i];
    }
    const norm = Math.sqrt(w.reduce((s, x) => s + x * x, 0)) || 1;
    out.push(w.map((x) => x / norm));
  }
  return out;
}

export function project(fit: PcaFit, x: Float32Array): Float32Array {
  const z = new Float32Array(fit.k);
  for (let c = 0; c < fit.k; c++) {
    let sum = 0;
    for (let j = 0; j < fit.d; j++) sum += fit.components[c * fit.d + j] * (x[j] - fit.mean[j]);
    z[c] = sum;
  }
  return z;
}

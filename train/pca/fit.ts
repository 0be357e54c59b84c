import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { Random } from '#core/random.ts';
import { imageSize, type ImageShape } from '../data/dataset.ts';
import type { OrtApi } from '../engine/step-loop.ts';
import { MatrixProducts } from './gemm.ts';

/** A fitted PCA: code = components·(x − mean), reconstruction = componentsᵀ·code + mean. */
export interface PcaModel {
  shape: ImageShape;
  dim: number;
  mean: Float32Array;
  /** dim×D, row-major, orthonormal rows ordered by decreasing variance. */
  components: Float32Array;
  /** Variance of the training data along each component. */
  variances: Float64Array;
  /** Total variance of the training data (sum over all D pixels), for the explained-variance ratio. */
  totalVariance: number;
  method: 'covariance' | 'randomized';
}

export interface PcaOptions {
  /**
   * 'randomized' (default): subspace iteration with Rayleigh-Ritz (Halko et al. 2011), which matches the exact
   * top components to float32 precision with a few iterations and never forms the D×D covariance.
   * 'covariance': eigendecomposition of the D×D covariance, exact but O(D³) (a reference for small D).
   */
  method?: 'covariance' | 'randomized';
  seed?: number;
  /** Extra directions carried through the subspace iteration; more gives more accurate trailing components. */
  oversample?: number;
  powerIterations?: number;
}

/** Beyond this many pixels the D×D covariance is too big to decompose in reasonable time and memory. */
const MAX_COVARIANCE_DIM = 2048;

function toMatrix(data: Float32Array | Float64Array, rows: number, cols: number): Matrix {
  const m = new Matrix(rows, cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) m.set(r, c, data[r * cols + c]);
  return m;
}

/**
 * An orthonormal basis (row-major rows×cols) of the columns of `data`, by modified Gram-Schmidt applied twice
 * ("twice is enough", Giraud et al. 2005). Hand-written because ml-matrix's QR walks its row arrays by column and
 * took seconds on the 9000×48 panels here. A column that vanishes (rank-deficient input) is replaced by a fresh
 * random direction, so the basis always has `cols` orthonormal columns.
 */
export function orthonormalize(data: Float32Array, rows: number, cols: number, random: Random): Float32Array {
  const columns = Array.from({ length: cols }, (_, c) => Float64Array.from({ length: rows }, (_, r) => data[r * cols + c]));
  const scale = Math.sqrt(columns.reduce((s, col) => s + col.reduce((t, v) => t + v * v, 0), 0) / Math.max(1, cols)) || 1;
  for (let c = 0; c < cols; c++) {
    const column = columns[c];
    for (let attempt = 0; ; attempt++) {
      const before = Math.sqrt(column.reduce((t, v) => t + v * v, 0));
      for (let pass = 0; pass < 2; pass++) {
        for (let p = 0; p < c; p++) {
          const previous = columns[p];
          let dot = 0;
          for (let r = 0; r < rows; r++) dot += previous[r] * column[r];
          for (let r = 0; r < rows; r++) column[r] -= dot * previous[r];
        }
      }
      const norm = Math.sqrt(column.reduce((t, v) => t + v * v, 0));
      if (norm > 1e-6 * Math.max(before, scale) && norm > 0) {
        for (let r = 0; r < rows; r++) column[r] /= norm;
        break;
      }
      if (attempt > 3) throw new Error(`orthonormalize: cannot extend a basis of ${c} columns in ${rows} dimensions`);
      for (let r = 0; r < rows; r++) column[r] = random.normal();
    }
  }
  const out = new Float32Array(rows * cols);
  for (let c = 0; c < cols; c++) for (let r = 0; r < rows; r++) out[r * cols + c] = columns[c][r];
  return out;
}

/** Eigenpairs of a symmetric matrix, largest eigenvalue first. */
function symmetricEigen(matrix: Matrix): { values: number[]; vectors: Matrix } {
  const evd = new EigenvalueDecomposition(matrix, { assumeSymmetric: true });
  const order = evd.realEigenvalues.map((v, i) => [v, i] as const).sort((a, b) => b[0] - a[0]);
  const vectors = new Matrix(matrix.rows, order.length);
  order.forEach(([, i], c) => vectors.setColumn(c, evd.eigenvectorMatrix.getColumn(i)));
  return { values: order.map(([v]) => v), vectors };
}

/** Each component's largest-magnitude entry made positive: eigenvectors have no sign, and a fixed one makes fits comparable. */
function fixSigns(components: Float32Array, dim: number, size: number): void {
  for (let j = 0; j < dim; j++) {
    const row = components.subarray(j * size, (j + 1) * size);
    let peak = 0;
    for (let i = 0; i < size; i++) if (Math.abs(row[i]) > Math.abs(peak)) peak = row[i];
    if (peak < 0) for (let i = 0; i < size; i++) row[i] = -row[i];
  }
}

/** Fits PCA with `dim` components on `count` images of `shape` (NCHW float32). */
export async function fitPca(ort: OrtApi, images: Float32Array, count: number, shape: ImageShape, dim: number, options: PcaOptions = {}): Promise<PcaModel> {
  const size = imageSize(shape);
  if (images.length !== count * size) throw new Error(`fitPca: ${images.length} values are not ${count} images of [${shape}]`);
  if (!Number.isInteger(dim) || dim < 1 || dim > Math.min(count - 1, size)) {
    throw new Error(`fitPca: code size ${dim} must be an integer from 1 to ${Math.min(count - 1, size)} (images - 1, pixels)`);
  }
  const mean = new Float64Array(size);
  for (let n = 0; n < count; n++) for (let i = 0; i < size; i++) mean[i] += images[n * size + i];
  for (let i = 0; i < size; i++) mean[i] /= count;
  const centered = new Float32Array(images.length);
  let totalVariance = 0;
  for (let n = 0; n < count; n++) {
    for (let i = 0; i < size; i++) {
      const v = images[n * size + i] - mean[i];
      centered[n * size + i] = v;
      totalVariance += v * v;
    }
  }
  totalVariance /= count - 1;

  const method = options.method ?? 'randomized';
  if (method === 'covariance' && size > MAX_COVARIANCE_DIM) throw new Error(`fitPca: a ${size}×${size} covariance is too big; use the randomized method`);
  const products = await MatrixProducts.create(ort);
  try {
    const { components, variances } =
      method === 'covariance'
        ? await covariancePca(products, centered, count, size, dim)
        : await randomizedPca(products, centered, count, size, dim, options);
    fixSigns(components, dim, size);
    return { shape, dim, mean: Float32Array.from(mean), components, variances, totalVariance, method };
  } finally {
    await products.release();
  }
}

async function covariancePca(products: MatrixProducts, centered: Float32Array, count: number, size: number, dim: number) {
  const scatter = await products.multiply(centered, count, size, centered, size, true);
  const { values, vectors } = symmetricEigen(toMatrix(scatter, size, size));
  const components = new Float32Array(dim * size);
  for (let j = 0; j < dim; j++) for (let i = 0; i < size; i++) components[j * size + i] = vectors.get(i, j);
  return { components, variances: Float64Array.from(values.slice(0, dim), (v) => Math.max(0, v) / (count - 1)) };
}

/**
 * Randomized range finder with subspace iteration, then Rayleigh-Ritz on the found subspace. The products
 * with the N×D data run on onnxruntime; JS only orthonormalizes N×l and D×l panels (l = dim + oversample)
 * and ml-matrix solves the final l×l eigenproblem.
 */
async function randomizedPca(products: MatrixProducts, centered: Float32Array, count: number, size: number, dim: number, options: PcaOptions) {
  const width = Math.min(dim + (options.oversample ?? Math.max(32, Math.ceil(dim / 2))), count, size);
  const iterations = options.powerIterations ?? 6;
  const random = Random.fromSeed(options.seed ?? 0);
  // Only the N×width panel is orthonormalized inside the loop: between two orthonormalizations the columns'
  // scales spread by λ1/λ_width of the covariance, far inside float32's range for image data, and the D×width
  // panel (the larger one for faces) is orthonormalized once, before Rayleigh-Ritz.
  let basis: Float32Array = random.fillNormal(new Float32Array(size * width));
  for (let q = 0; q < iterations; q++) {
    const range = orthonormalize(await products.multiply(centered, count, size, basis, width), count, width, random);
    basis = await products.multiply(centered, count, size, range, width, true);
  }
  basis = orthonormalize(basis, size, width, random);
  // Rayleigh-Ritz: the scatter restricted to span(basis) is (X·basis)ᵀ(X·basis), a small width×width problem.
  const projected = await products.multiply(centered, count, size, basis, width);
  const small = await products.multiply(projected, count, width, projected, width, true);
  const { values, vectors } = symmetricEigen(toMatrix(small, width, width));
  const rotation = new Float32Array(width * dim);
  for (let r = 0; r < width; r++) for (let j = 0; j < dim; j++) rotation[r * dim + j] = vectors.get(r, j);
  const columns = await products.multiply(basis, size, width, rotation, dim);
  const components = new Float32Array(dim * size);
  for (let i = 0; i < size; i++) for (let j = 0; j < dim; j++) components[j * size + i] = columns[i * dim + j];
  return { components, variances: Float64Array.from(values.slice(0, dim), (v) => Math.max(0, v) / (count - 1)) };
}

/** Codes of `count` images (JS reference of the exported encoder). */
export function pcaEncode(model: PcaModel, images: Float32Array, count: number): Float32Array {
  const size = imageSize(model.shape);
  const codes = new Float32Array(count * model.dim);
  const centered = new Float64Array(size);
  for (let n = 0; n < count; n++) {
    for (let i = 0; i < size; i++) centered[i] = images[n * size + i] - model.mean[i];
    for (let j = 0; j < model.dim; j++) {
      let sum = 0;
      const row = j * size;
      for (let i = 0; i < size; i++) sum += model.components[row + i] * centered[i];
      codes[n * model.dim + j] = sum;
    }
  }
  return codes;
}

/** Unclipped reconstructions of `count` codes (JS reference of the exported decoder, before its Clip). */
export function pcaDecode(model: PcaModel, codes: Float32Array, count: number): Float32Array {
  const size = imageSize(model.shape);
  const images = new Float32Array(count * size);
  for (let n = 0; n < count; n++) {
    const out = images.subarray(n * size, (n + 1) * size);
    out.set(model.mean);
    for (let j = 0; j < model.dim; j++) {
      const c = codes[n * model.dim + j];
      const row = j * size;
      for (let i = 0; i < size; i++) out[i] += c * model.components[row + i];
    }
  }
  return images;
}

export interface CodeStatistics {
  dim: number;
  count: number;
  mean: Float64Array;
  std: Float64Array;
  /** dim×dim row-major sample covariance (divisor count − 1). */
  covariance: Float64Array;
}

export function checkCodes(codes: Float32Array, count: number, dim: number): void {
  if (!Number.isInteger(dim) || dim < 1) throw new Error(`code size ${dim} must be a positive integer`);
  if (codes.length !== count * dim) throw new Error(`${codes.length} code values are not ${count} codes of size ${dim}`);
  for (let i = 0; i < codes.length; i++) if (!Number.isFinite(codes[i])) throw new Error(`code ${Math.floor(i / dim)} has a non-finite value`);
}

/** Per-dimension mean and std and the full covariance of `count` codes of size `dim` (row-major). */
export function codeStatistics(codes: Float32Array, count: number, dim: number): CodeStatistics {
  checkCodes(codes, count, dim);
  if (count < 2) throw new Error(`code statistics need at least 2 codes, got ${count}`);
  const mean = new Float64Array(dim);
  for (let n = 0; n < count; n++) for (let j = 0; j < dim; j++) mean[j] += codes[n * dim + j];
  for (let j = 0; j < dim; j++) mean[j] /= count;
  const covariance = new Float64Array(dim * dim);
  const centered = new Float64Array(dim);
  for (let n = 0; n < count; n++) {
    for (let j = 0; j < dim; j++) centered[j] = codes[n * dim + j] - mean[j];
    for (let a = 0; a < dim; a++) {
      const ca = centered[a];
      for (let b = a; b < dim; b++) covariance[a * dim + b] += ca * centered[b];
    }
  }
  for (let a = 0; a < dim; a++) {
    for (let b = a; b < dim; b++) {
      covariance[a * dim + b] /= count - 1;
      covariance[b * dim + a] = covariance[a * dim + b];
    }
  }
  const std = Float64Array.from({ length: dim }, (_, j) => Math.sqrt(covariance[j * dim + j]));
  return { dim, count, mean, std, covariance };
}


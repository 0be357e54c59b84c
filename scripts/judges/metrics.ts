/** The statistics the judges are validated and the photo benchmark is scored with. */

export const median = (xs: readonly number[]): number => {
  if (!xs.length) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** Area under the ROC curve: the chance a random positive scores above a random negative (ties count half). */
export function rocAuc(scores: readonly number[], positive: readonly boolean[]): number {
  const order = scores.map((s, i) => [s, positive[i]] as const).sort((a, b) => a[0] - b[0]);
  let positives = 0;
  let rankSum = 0;
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j < order.length && order[j][0] === order[i][0]) j++;
    const averageRank = (i + 1 + j) / 2;
    for (let k = i; k < j; k++) if (order[k][1]) {
      positives++;
      rankSum += averageRank;
    }
    i = j;
  }
  const negatives = order.length - positives;
  if (!positives || !negatives) return Number.NaN;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/** Share of items where `score ≥ threshold` agrees with the label. */
export function accuracyAt(scores: readonly number[], positive: readonly boolean[], threshold: number): number {
  return scores.filter((s, i) => s >= threshold === positive[i]).length / scores.length;
}

/** The threshold with the best balanced accuracy (mean of the true-positive and true-negative rates). */
export function balancedThreshold(scores: readonly number[], positive: readonly boolean[]): number {
  const p = positive.filter(Boolean).length;
  const n = positive.length - p;
  let best = { threshold: Number.NaN, balanced: -1 };
  for (const t of [...new Set(scores)].sort((a, b) => a - b)) {
    const tp = scores.filter((s, i) => s >= t && positive[i]).length;
    const tn = scores.filter((s, i) => s < t && !positive[i]).length;
    const balanced = (tp / p + tn / n) / 2;
    if (balanced > best.balanced) best = { threshold: t, balanced };
  }
  return best.threshold;
}

export const dot = (a: Float32Array, b: Float32Array): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
};

/** For each probe i, whether gallery[i] is its most similar gallery entry (embeddings are unit vectors). */
export function rank1Hits(probes: readonly Float32Array[], gallery: readonly Float32Array[]): boolean[] {
  return probes.map((probe, i) => {
    const own = dot(probe, gallery[i]);
    return gallery.every((g, j) => j === i || dot(probe, g) < own);
  });
}

/**
 * Variance of the 4-neighbour Laplacian over the interior of a grey plane: a standard focus measure, small for
 * a blurred image. Used at 64×64 so an output and its original are compared at the model's resolution.
 */
export function laplacianVariance(grey: Float32Array, width: number, height: number): number {
  let sum = 0;
  let sumSquares = 0;
  let n = 0;
  for (let y = 1; y < height - 1; y++) {
    for (let x = 1; x < width - 1; x++) {
      const i = y * width + x;
      const l = grey[i - 1] + grey[i + 1] + grey[i - width] + grey[i + width] - 4 * grey[i];
      sum += l;
      sumSquares += l * l;
      n++;
    }
  }
  const mean = sum / n;
  return sumSquares / n - mean * mean;
}

/** Mean of k(x_i, y_j) over all pairs, or over i ≠ j when both sets are the same. */
function meanKernel(xs: readonly Float32Array[], ys: readonly Float32Array[], same: boolean): number {
  const dim = xs[0].length;
  let sum = 0;
  for (let i = 0; i < xs.length; i++) for (let j = same ? i + 1 : 0; j < ys.length; j++) sum += (dot(xs[i], ys[j]) / dim + 1) ** 3;
  return same ? sum / ((xs.length * (xs.length - 1)) / 2) : sum / (xs.length * ys.length);
}

/**
 * Kernel Inception Distance (Bińkowski et al. 2018): the unbiased squared MMD between two feature sets under the
 * cubic polynomial kernel (x·y/d + 1)³. Unlike FID it is unbiased at small sample sizes, which is why it is used here
 * with a few hundred faces; the features are an independent network's (which one is the caller's to state).
 */
export function kernelInceptionDistance(xs: readonly Float32Array[], ys: readonly Float32Array[]): number {
  if (xs.length < 2 || ys.length < 2) throw new Error(`KID needs at least 2 features per set, got ${xs.length} and ${ys.length}`);
  return meanKernel(xs, xs, true) + meanKernel(ys, ys, true) - 2 * meanKernel(xs, ys, false);
}

import { Matrix, inverse } from 'ml-matrix';
import { checkCodes } from './statistics.ts';

export interface PartialEffects {
  /**
   * Per flag: the change of the expected code when the flag turns on while every other flag stays as it is
   * (its coefficient in the multi-output regression of the code on all flags); null when the flag is (nearly)
   * a linear combination of the others, so that it cannot change alone (MNIST's `odd` and its digits).
   */
  effects: Record<string, Float64Array | null>;
  /** 1 − R² of each flag regressed on the others: the share of its variance that is its own. */
  independence: Record<string, number>;
}

/**
 * Below this share of independent variance (a variance inflation factor above 50) the coefficient is noise or
 * not identifiable at all; the caller keeps the plain mean difference for such a flag.
 */
export const MIN_INDEPENDENCE = 0.02;
/** Keeps G invertible when flags are exactly collinear, while leaving 1 − R² of the others unchanged to ~1e-6. */
const NEAR_ZERO_RIDGE = 1e-6;

/**
 * Ridge regression of the codes on 0/1 flags: code ≈ intercept + Σ_a effect_a · flag_a. The flags are
 * standardised before the penalty, so `ridge` shrinks rare and common attributes alike (it is a fraction of
 * each flag's variance; 1e-3 is nearly ordinary least squares and only keeps collinear flags solvable).
 * The normal equations are flags × flags (40 × 40 for CelebA), so ml-matrix inverts them directly.
 */
export function partialEffects(codes: Float32Array, count: number, dim: number, flags: Record<string, Int8Array>, ridge: number): PartialEffects {
  checkCodes(codes, count, dim);
  if (!(Number.isFinite(ridge) && ridge > 0)) throw new Error(`partial effects: ridge must be a positive number, got ${ridge}`);
  const names = Object.keys(flags);
  const effects: Record<string, Float64Array | null> = {};
  const independence: Record<string, number> = {};
  // A flag that never changes has no effect to estimate and would only make the system singular.
  const columns: { name: string; mean: number; std: number; values: Int8Array }[] = [];
  for (const name of names) {
    const values = flags[name];
    if (values.length !== count) throw new Error(`attribute ${name} has ${values.length} values for ${count} codes`);
    let on = 0;
    for (let n = 0; n < count; n++) {
      if (values[n] !== 1 && values[n] !== -1) throw new Error(`attribute ${name}: image ${n} has value ${values[n]}, not ±1`);
      if (values[n] === 1) on++;
    }
    const mean = on / count;
    const std = Math.sqrt(mean * (1 - mean));
    if (std === 0) {
      effects[name] = null;
      independence[name] = 0;
    } else columns.push({ name, mean, std, values });
  }
  const k = columns.length;
  if (k === 0) return { effects, independence };

  // Standardised design Z (count × k): G = ZᵀZ / count is the flags' correlation matrix, R = ZᵀC / count.
  const z = new Float64Array(count * k);
  for (let n = 0; n < count; n++) {
    for (let a = 0; a < k; a++) {
      const c = columns[a];
      z[n * k + a] = ((c.values[n] === 1 ? 1 : 0) - c.mean) / c.std;
    }
  }
  const gramSums = new Float64Array(k * k);
  const crossSums = new Float64Array(k * dim);
  for (let n = 0; n < count; n++) {
    for (let a = 0; a < k; a++) {
      const za = z[n * k + a];
      for (let b = a; b < k; b++) gramSums[a * k + b] += za * z[n * k + b];
      for (let j = 0; j < dim; j++) crossSums[a * dim + j] += za * codes[n * dim + j];
    }
  }
  const gram = new Matrix(k, k);
  for (let a = 0; a < k; a++) {
    for (let b = a; b < k; b++) {
      gram.set(a, b, gramSums[a * k + b] / count);
      gram.set(b, a, gramSums[a * k + b] / count);
    }
    gram.set(a, a, gram.get(a, a) + ridge);
  }
  const cross = new Matrix(Array.from({ length: k }, (_, a) => Array.from(crossSums.subarray(a * dim, (a + 1) * dim), (v) => v / count)));
  const gramInverse = inverse(gram);
  const coefficients = gramInverse.mmul(cross);
  // For a correlation matrix, (G⁻¹)_aa = 1 / (1 − R²_a). It is read off an all-but-unpenalised G: the ridge adds
  // λ to every 1 − R², so with λ above MIN_INDEPENDENCE an exact copy of another flag would pass as independent.
  const bareGram = gram.clone();
  for (let a = 0; a < k; a++) bareGram.set(a, a, bareGram.get(a, a) - ridge + NEAR_ZERO_RIDGE);
  const bareInverse = inverse(bareGram);
  columns.forEach((c, a) => {
    independence[c.name] = 1 / bareInverse.get(a, a);
    effects[c.name] = independence[c.name] < MIN_INDEPENDENCE ? null : Float64Array.from(coefficients.getRow(a), (v) => v / c.std);
  });
  return { effects, independence };
}

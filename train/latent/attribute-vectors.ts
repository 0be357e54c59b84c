import { checkCodes } from './statistics.ts';

export interface AttributeVector {
  /** mean(code | positive) − mean(code | negative). */
  vector: number[];
  positives: number;
  negatives: number;
  /** Strengths s for code + s·vector; s = 1 carries the negative mean onto the positive mean. */
  suggestedRange: [number, number];
  /** |vector| over the pooled std of the codes projected on its direction (d′): how cleanly the code separates the attribute; null when the classes do not spread at all. */
  separation: number | null;
}

export interface AttributeVectorResult {
  vectors: Record<string, AttributeVector>;
  /** Attributes with too few images on one side, and why. */
  skipped: Record<string, string>;
}

/** Fewer images than this on either side give a direction dominated by noise. */
export const MIN_ATTRIBUTE_COUNT = 5;
const MAX_STRENGTH = 3;
const MARGIN_STDS = 2;

/**
 * Attribute directions in code space. The suggested range reaches until an average negative code sits
 * MARGIN_STDS pooled standard deviations (along the direction) past the positive mean, i.e. clearly inside the
 * positive class; it is at least 1, capped at MAX_STRENGTH, and symmetric so negative strengths remove the attribute.
 */
export function attributeVectors(codes: Float32Array, count: number, dim: number, attributes: Record<string, Int8Array>): AttributeVectorResult {
  checkCodes(codes, count, dim);
  const vectors: Record<string, AttributeVector> = {};
  const skipped: Record<string, string> = {};
  for (const [name, flags] of Object.entries(attributes)) {
    if (flags.length !== count) throw new Error(`attribute ${name} has ${flags.length} values for ${count} codes`);
    const sums = [new Float64Array(dim), new Float64Array(dim)];
    const counts = [0, 0];
    for (let n = 0; n < count; n++) {
      const side = flags[n] === 1 ? 0 : flags[n] === -1 ? 1 : -1;
      if (side < 0) throw new Error(`attribute ${name}: image ${n} has value ${flags[n]}, not ±1`);
      counts[side]++;
      for (let j = 0; j < dim; j++) sums[side][j] += codes[n * dim + j];
    }
    const [positives, negatives] = counts;
    if (positives < MIN_ATTRIBUTE_COUNT || negatives < MIN_ATTRIBUTE_COUNT) {
      skipped[name] = `${positives} positive and ${negatives} negative images; each side needs at least ${MIN_ATTRIBUTE_COUNT}`;
      continue;
    }
    const vector = Array.from({ length: dim }, (_, j) => sums[0][j] / positives - sums[1][j] / negatives);
    const length = Math.hypot(...vector);
    if (length === 0) {
      skipped[name] = 'positive and negative codes have the same mean';
      continue;
    }
    // Pooled within-class variance of the projection on the unit direction.
    const centres = [0, 1].map((side) => vector.reduce((s, v, j) => s + (v / length) * (sums[side][j] / counts[side]), 0));
    let within = 0;
    for (let n = 0; n < count; n++) {
      let projection = 0;
      for (let j = 0; j < dim; j++) projection += (vector[j] / length) * codes[n * dim + j];
      within += (projection - centres[flags[n] === 1 ? 0 : 1]) ** 2;
    }
    const pooledStd = Math.sqrt(within / Math.max(1, count - 2));
    const reach = Math.min(MAX_STRENGTH, Math.max(1, (length + MARGIN_STDS * pooledStd) / length));
    vectors[name] = {
      vector,
      positives,
      negatives,
      suggestedRange: [-reach, reach],
      separation: pooledStd > 0 ? length / pooledStd : null,
    };
  }
  return { vectors, skipped };
}

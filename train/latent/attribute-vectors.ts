import type { z } from 'zod';
import { attributeMethodSchema } from '#core/manifest.ts';
import { partialEffects } from './partial-effects.ts';
import { checkCodes } from './statistics.ts';

/**
 * How an attribute's direction is estimated from the training codes:
 * - `partial-effect`: the attribute's coefficient in a ridge regression of the code on every attribute flag
 *   of the dataset, i.e. its effect with the other attributes held fixed (Mustache without the Male and
 *   Goatee that come with it in the photos);
 * - `mean-difference`: mean(code | positive) − mean(code | negative), which also carries every attribute
 *   correlated with this one.
 */
export const ATTRIBUTE_METHODS = attributeMethodSchema.options;
export type AttributeMethod = z.infer<typeof attributeMethodSchema>;

export interface AttributeVectorOptions {
  method: AttributeMethod;
  /** Ridge penalty of `partial-effect`, as a fraction of each flag's variance. */
  ridge: number;
  /**
   * Flags `partial-effect` holds fixed, default the attributes themselves. Pass every attribute the dataset
   * has: a correlate left out of the regression is carried along like in the mean difference.
   */
  controls?: Record<string, Int8Array>;
}

export const DEFAULT_ATTRIBUTE_OPTIONS: AttributeVectorOptions = { method: 'partial-effect', ridge: 1e-3 };

export interface AttributeVector {
  /** The direction edits apply, estimated by `method`. */
  vector: number[];
  /** The method `vector` comes from: `mean-difference` also when a partial effect was asked for but is not identifiable. */
  method: AttributeMethod;
  /** mean(code | positive) − mean(code | negative), whatever the method. */
  meanDifference: number[];
  positives: number;
  negatives: number;
  /** Strengths s for code + s·vector; for the mean difference, s = 1 carries the negative mean onto the positive mean. */
  suggestedRange: [number, number];
  /** The same for edits returned with detail=keep (face models), calibrated on those outputs. */
  keep?: { suggestedRange: [number, number] };
  /** The class means' distance along `vector` over the pooled std of the codes projected on it (d′); null when the classes do not spread at all. */
  separation: number | null;
}

export interface AttributeVectorResult {
  vectors: Record<string, AttributeVector>;
  /** Attributes with too few images on one side, and why. */
  skipped: Record<string, string>;
}

/** Fewer images than this on either side give a direction dominated by noise. */
export const MIN_ATTRIBUTE_COUNT = 5;
/** The top of the trainer's edit grid and below the API's limit of 10: partial effects of faces need up to ~6. */
const MAX_STRENGTH = 8;
const MARGIN_STDS = 2;

/** Class sums and counts of the codes, positives first. */
function classSums(codes: Float32Array, count: number, dim: number, name: string, flags: Int8Array) {
  if (flags.length !== count) throw new Error(`attribute ${name} has ${flags.length} values for ${count} codes`);
  const sums = [new Float64Array(dim), new Float64Array(dim)];
  const counts = [0, 0];
  for (let n = 0; n < count; n++) {
    const side = flags[n] === 1 ? 0 : flags[n] === -1 ? 1 : -1;
    if (side < 0) throw new Error(`attribute ${name}: image ${n} has value ${flags[n]}, not ±1`);
    counts[side]++;
    for (let j = 0; j < dim; j++) sums[side][j] += codes[n * dim + j];
  }
  return { sums, counts };
}

/** Class means of the codes projected on the unit direction of `vector`, and the pooled within-class std. */
function spreadAlong(codes: Float32Array, count: number, dim: number, flags: Int8Array, vector: ArrayLike<number>, length: number) {
  const sums = [0, 0];
  const counts = [0, 0];
  const projections = new Float64Array(count);
  for (let n = 0; n < count; n++) {
    let p = 0;
    for (let j = 0; j < dim; j++) p += (vector[j] / length) * codes[n * dim + j];
    projections[n] = p;
    const side = flags[n] === 1 ? 0 : 1;
    sums[side] += p;
    counts[side]++;
  }
  const centres = [sums[0] / counts[0], sums[1] / counts[1]];
  let within = 0;
  for (let n = 0; n < count; n++) within += (projections[n] - centres[flags[n] === 1 ? 0 : 1]) ** 2;
  return { gap: centres[0] - centres[1], pooledStd: Math.sqrt(within / Math.max(1, count - 2)) };
}

/**
 * Attribute directions in code space. The suggested range reaches until an average negative code, moved by
 * s·vector, sits MARGIN_STDS pooled standard deviations (along the direction) past where the positive mean
 * projects, i.e. clearly inside the positive class; it is at least 1, capped at MAX_STRENGTH, and symmetric
 * so negative strengths remove the attribute. (The trainer replaces it by the judge's choice where it has one.)
 */
export function attributeVectors(
  codes: Float32Array,
  count: number,
  dim: number,
  attributes: Record<string, Int8Array>,
  options: AttributeVectorOptions = DEFAULT_ATTRIBUTE_OPTIONS,
): AttributeVectorResult {
  checkCodes(codes, count, dim);
  const vectors: Record<string, AttributeVector> = {};
  const skipped: Record<string, string> = {};
  let effects: Record<string, Float64Array | null> = {};
  if (options.method === 'partial-effect') {
    const controls = { ...(options.controls ?? {}), ...attributes };
    effects = partialEffects(codes, count, dim, controls, options.ridge).effects;
  }
  for (const [name, flags] of Object.entries(attributes)) {
    const { sums, counts } = classSums(codes, count, dim, name, flags);
    const [positives, negatives] = counts;
    if (positives < MIN_ATTRIBUTE_COUNT || negatives < MIN_ATTRIBUTE_COUNT) {
      skipped[name] = `${positives} positive and ${negatives} negative images; each side needs at least ${MIN_ATTRIBUTE_COUNT}`;
      continue;
    }
    const meanDifference = Array.from({ length: dim }, (_, j) => sums[0][j] / positives - sums[1][j] / negatives);
    const effect = effects[name];
    const method: AttributeMethod = effect ? 'partial-effect' : 'mean-difference';
    const vector = effect ? Array.from(effect) : meanDifference;
    const length = Math.hypot(...vector);
    if (length === 0) {
      skipped[name] = method === 'mean-difference' ? 'positive and negative codes have the same mean' : 'the partial effect is zero';
      continue;
    }
    const { gap, pooledStd } = spreadAlong(codes, count, dim, flags, vector, length);
    // In units of the vector, how far the negative mean must move to sit MARGIN_STDS past the positive mean.
    const reach = Math.min(MAX_STRENGTH, Math.max(1, (Math.max(gap, 0) + MARGIN_STDS * pooledStd) / length));
    vectors[name] = {
      vector,
      method,
      meanDifference,
      positives,
      negatives,
      suggestedRange: [-reach, reach],
      separation: pooledStd > 0 ? gap / pooledStd : null,
    };
  }
  return { vectors, skipped };
}

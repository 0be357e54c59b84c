import type { EditPoint } from '#core/report.ts';
import type { Dataset } from '../data/dataset.ts';
import type { AttributeEditResult } from '../report/report.ts';
import type { OnnxCodec } from '../report/codec.ts';

export type { EditPoint };

/** Judge probabilities [count, K] for images [count, C, H, W]. */
export type JudgeFn = (images: Float32Array, count: number) => Promise<Float32Array>;

export interface EditProbe {
  codec: OnnxCodec;
  judge: JudgeFn;
  judgeAttributes: string[];
  dataset: Dataset;
  /** At most this many negatives per attribute are edited (cost control on a 2-core machine). */
  maxImages: number;
  /**
   * none: the judge sees the decoder's output; keep: the image itself plus Dec(z′) − Dec(z), as the API's detail=keep
   * returns it (edge/core/photo), so strengths are calibrated on what users of that mode get.
   */
  detail?: 'none' | 'keep';
}

export interface EditCurve {
  attribute: string;
  /** Negatives by label that the judge also calls negative on their unedited reconstruction. */
  judgedNegatives: number;
  points: EditPoint[];
}

/**
 * The judge's verdict on one strength. Side effects are counted three ways because "the other decisions change
 * for ≤ 20 %" can be read three ways: over all (image, other attribute) pairs, as attribute-preservation scores
 * in the face-editing literature do (`otherChangeRate`); for the other attribute that changes most
 * (`worstOtherChangeRate`); and over images with any other decision changed (`anyOtherChangeRate`).
 */

function shift(codes: Float32Array, count: number, vector: Float32Array, strength: number): Float32Array {
  const dim = vector.length;
  const out = new Float32Array(codes.length);
  for (let i = 0; i < count; i++) for (let d = 0; d < dim; d++) out[i * dim + d] = codes[i * dim + d] + strength * vector[d];
  return out;
}

/** detail=keep at model resolution: each image plus its edit's change, clipped to [0, 1]. */
function withDetail(images: Float32Array, edited: Float32Array, reconstructed: Float32Array): Float32Array {
  const out = new Float32Array(images.length);
  for (let i = 0; i < out.length; i++) out[i] = Math.min(1, Math.max(0, images[i] + edited[i] - reconstructed[i]));
  return out;
}

/**
 * Moves each negative image's code along `vector` by every strength and asks the judge: how many flip to
 * positive, and how many of its other decisions change compared with the unedited output (for detail=none the
 * reconstruction, not the photo, so the autoencoder's blur is not counted as an edit; for keep the image itself).
 */
export async function editCurve(probe: EditProbe, attribute: string, vector: Float32Array, strengths: number[]): Promise<EditCurve> {
  const { codec, judge, judgeAttributes, dataset } = probe;
  const j = judgeAttributes.indexOf(attribute);
  if (j < 0) throw new Error(`edit check: the judge has no attribute "${attribute}"`);
  const labels = dataset.attributes[attribute];
  const k = judgeAttributes.length;
  const pixels = codec.pixels;
  // Evenly spaced over all negatives: datasets sorted by class would otherwise contribute only their first classes.
  const negatives: number[] = [];
  for (let i = 0; i < dataset.count; i++) if (labels[i] < 0) negatives.push(i);
  const take = Math.min(probe.maxImages, negatives.length);
  const candidates = Array.from({ length: take }, (_, n) => negatives[Math.floor(((n + 0.5) * negatives.length) / take)]);
  const images = new Float32Array(candidates.length * pixels);
  candidates.forEach((index, n) => images.set(dataset.images.subarray(index * pixels, (index + 1) * pixels), n * pixels));
  const allCodes = await codec.encode(images, candidates.length);
  const reconstructions = await codec.decode(allCodes, candidates.length);
  const keepDetail = probe.detail === 'keep';
  const base = await judge(keepDetail ? images : reconstructions, candidates.length);

  // Keep the images the judge agrees are negative once reconstructed: a flip must be the edit's doing.
  const keep = candidates.map((_, n) => n).filter((n) => base[n * k + j] <= 0.5);
  const count = keep.length;
  const codes = new Float32Array(count * codec.dim);
  const keptImages = new Float32Array(count * pixels);
  const keptReconstructions = new Float32Array(count * pixels);
  const baseDecisions = new Uint8Array(count * k);
  keep.forEach((n, m) => {
    codes.set(allCodes.subarray(n * codec.dim, (n + 1) * codec.dim), m * codec.dim);
    keptImages.set(images.subarray(n * pixels, (n + 1) * pixels), m * pixels);
    keptReconstructions.set(reconstructions.subarray(n * pixels, (n + 1) * pixels), m * pixels);
    for (let a = 0; a < k; a++) baseDecisions[m * k + a] = base[n * k + a] > 0.5 ? 1 : 0;
  });
  const points: EditCurve['points'] = [];
  for (const strength of strengths) {
    if (count === 0) {
      points.push({ strength, flipRate: Number.NaN, otherChangeRate: Number.NaN, worstOtherChangeRate: Number.NaN, worstOtherAttribute: null, anyOtherChangeRate: Number.NaN });
      continue;
    }
    const decoded = await codec.decode(shift(codes, count, vector, strength), count);
    const after = await judge(keepDetail ? withDetail(keptImages, decoded, keptReconstructions) : decoded, count);
    let flips = 0;
    let imagesWithChanges = 0;
    const changesPerAttribute = new Array<number>(k).fill(0);
    for (let m = 0; m < count; m++) {
      if (after[m * k + j] > 0.5) flips++;
      let changed = false;
      for (let a = 0; a < k; a++) {
        if (a !== j && (after[m * k + a] > 0.5 ? 1 : 0) !== baseDecisions[m * k + a]) {
          changesPerAttribute[a]++;
          changed = true;
        }
      }
      if (changed) imagesWithChanges++;
    }
    const others = judgeAttributes.map((name, a) => ({ name, changes: changesPerAttribute[a] })).filter((_, a) => a !== j);
    const worst = others.reduce<(typeof others)[number] | undefined>((top, o) => (!top || o.changes > top.changes ? o : top), undefined);
    const otherChanges = others.reduce((sum, o) => sum + o.changes, 0);
    points.push({
      strength,
      flipRate: flips / count,
      otherChangeRate: others.length ? otherChanges / (count * others.length) : 0,
      worstOtherChangeRate: worst ? worst.changes / count : 0,
      worstOtherAttribute: worst?.name ?? null,
      anyOtherChangeRate: imagesWithChanges / count,
    });
  }
  return { attribute, judgedNegatives: count, points };
}

/**
 * The suggested strength, chosen on training images (validation images then measure it honestly): the one that
 * lies furthest inside both limits, i.e. maximises min(flips − targetFlip, maxOtherChange − side effects); on a
 * tie, the smaller strength. The first strength that passes would sit on the flip limit's edge, and the
 * strength with the fewest side effects among passing ones is that same edge (side effects grow with strength):
 * a few hundred images are noisy, so an edge choice lands a point or two outside a limit on validation images.
 * The margin rule also needs no special case: where no strength meets both limits it picks the best compromise.
 */
export function suggestStrength(curve: EditCurve, targetFlip = 0.7, maxOtherChange = 0.2): number {
  const valid = curve.points.filter((p) => p.strength > 0 && Number.isFinite(p.flipRate) && Number.isFinite(p.otherChangeRate));
  if (valid.length === 0) return 1;
  const margin = (p: EditPoint) => Math.min(p.flipRate - targetFlip, maxOtherChange - p.otherChangeRate);
  return valid.reduce((best, p) => (margin(p) > margin(best) || (margin(p) === margin(best) && p.strength < best.strength) ? p : best)).strength;
}

/** The images the suggested strength is chosen on: the first training images, as many as the validation split has and at least 2,000. */
export function calibrationImages(train: Dataset, validationCount: number): Dataset {
  const limit = Math.max(validationCount, 2000);
  if (train.count <= limit) return train;
  const size = train.shape[0] * train.shape[1] * train.shape[2];
  return {
    ...train,
    count: limit,
    images: train.images.subarray(0, limit * size),
    ids: train.ids.slice(0, limit),
    attributes: Object.fromEntries(Object.entries(train.attributes).map(([k, v]) => [k, v.subarray(0, limit)])),
    continuous: Object.fromEntries(Object.entries(train.continuous).map(([k, v]) => [k, v.subarray(0, limit)])),
  };
}

export interface EditCheckSettings {
  strengths: number[];
  targetFlip: number;
  maxOtherChange: number;
  maxImages: number;
  detail?: EditProbe['detail'];
}

/** Picks the suggested strength on `calibration` and measures the edit at every strength on `validation`. */
export async function checkEdit(
  judging: Pick<EditProbe, 'codec' | 'judge' | 'judgeAttributes'>,
  calibration: Dataset,
  validation: Dataset,
  attribute: string,
  vector: Float32Array,
  settings: EditCheckSettings,
): Promise<AttributeEditResult> {
  const probe = (dataset: Dataset): EditProbe => ({ ...judging, dataset, maxImages: settings.maxImages, detail: settings.detail });
  const strength = suggestStrength(await editCurve(probe(calibration), attribute, vector, settings.strengths), settings.targetFlip, settings.maxOtherChange);
  return editResult(await editCurve(probe(validation), attribute, vector, settings.strengths), strength);
}

export function editResult(curve: EditCurve, strength: number): AttributeEditResult {
  const at = curve.points.find((p) => p.strength === strength);
  return {
    strength,
    judgedNegatives: curve.judgedNegatives,
    flipRate: at?.flipRate ?? Number.NaN,
    otherChangeRate: at?.otherChangeRate ?? Number.NaN,
    worstOtherChangeRate: at?.worstOtherChangeRate ?? Number.NaN,
    worstOtherAttribute: at?.worstOtherAttribute ?? null,
    anyOtherChangeRate: at?.anyOtherChangeRate ?? Number.NaN,
    flipRateByStrength: curve.points,
  };
}

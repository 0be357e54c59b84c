/**
 * How much a face model's random samples look like held-out faces, by an independent network's features, and
 * whether they are copies of training faces. Used by scripts/eval-sample-quality.ts (npm run bench:samples).
 */
import type { AlignTarget } from '#core/align/aligner.ts';
import type { RgbaImage } from '#core/image/decode.ts';
import { Random } from '#core/random.ts';
import { cutJudgeCrop, frameToModel, judgeSquare } from './judges/face-crop.ts';
import type { Embedding, FaceJudges } from './judges/judges.ts';
import { kernelInceptionDistance, median } from './judges/metrics.ts';

const CROP_SIZE = 224;
const BATCH = 32;

/** One NCHW float frame in [0, 1] of a batch, as the 8-bit RGBA image an API answer would be. */
export function frameImage(frames: Float32Array, index: number, side: number): RgbaImage {
  const plane = side * side;
  const data = new Uint8Array(plane * 4);
  const base = index * 3 * plane;
  for (let p = 0; p < plane; p++) {
    for (let c = 0; c < 3; c++) data[4 * p + c] = Math.round(255 * Math.min(1, Math.max(0, frames[base + c * plane + p])));
    data[4 * p + 3] = 255;
  }
  return { width: side, height: side, data };
}

/**
 * faceres descriptors of the judge crop of every frame (the independent recogniser of scripts/judges), scaled from
 * unit length to length √d so that KID's kernel (x·y/d + 1)³ sees their cosine, as it sees Inception features of
 * similar magnitude, rather than values near 0 where the cubic kernel is almost linear.
 */
export async function frameFeatures(judges: FaceJudges, frames: Float32Array, count: number, target: AlignTarget): Promise<Embedding[]> {
  const square = judgeSquare(target.face);
  const features: Embedding[] = [];
  for (let start = 0; start < count; start += BATCH) {
    const crops = Array.from({ length: Math.min(BATCH, count - start) }, (_, i) => {
      const image = frameImage(frames, start + i, target.width);
      return cutJudgeCrop(image, frameToModel(image, target), target, square, CROP_SIZE);
    });
    for (const unit of await judges.embed(crops, 'faceres')) features.push(unit.map((v) => v * Math.sqrt(unit.length)));
  }
  return features;
}

export interface KidEstimate {
  kid: number;
  /** Spread of the estimate over `subsets` random halves of both sets. */
  std: number;
}

export function kidWithSpread(xs: readonly Embedding[], ys: readonly Embedding[], seed: number, subsets = 10): KidEstimate {
  const random = Random.fromSeed(seed);
  const half = <T>(items: readonly T[]) => items.map((item) => [random.uniform(), item] as const).sort((a, b) => a[0] - b[0]).slice(0, items.length >> 1).map(([, item]) => item);
  const estimates = Array.from({ length: subsets }, () => kernelInceptionDistance(half(xs), half(ys)));
  const mean = estimates.reduce((a, b) => a + b, 0) / subsets;
  const std = Math.sqrt(estimates.reduce((a, b) => a + (b - mean) ** 2, 0) / (subsets - 1));
  return { kid: kernelInceptionDistance(xs, ys), std };
}

/** For each probe frame, the root-mean-square pixel distance to its nearest frame in `gallery`. */
export function nearestDistances(probes: Float32Array, probeCount: number, gallery: Float32Array, galleryCount: number): Float64Array {
  const size = probes.length / probeCount;
  return Float64Array.from({ length: probeCount }, (_, p) => {
    let best = Infinity;
    for (let g = 0; g < galleryCount; g++) {
      let sum = 0;
      for (let i = 0, a = p * size, b = g * size; i < size && sum < best; i++) sum += (probes[a + i] - gallery[b + i]) ** 2;
      best = Math.min(best, sum);
    }
    return Math.sqrt(best / size);
  });
}

export interface Memorisation {
  /** Median distance from a sample to its nearest training face. */
  samples: number;
  /** The same for held-out faces: how near a genuinely new face comes to the training set. */
  heldOut: number;
  /** Samples nearer their nearest training face than the nearest 5 % of held-out faces are. */
  nearCopies: number;
}

export function memorisation(sampleDistances: Float64Array, heldOutDistances: Float64Array): Memorisation {
  const sorted = Float64Array.from(heldOutDistances).sort();
  const threshold = sorted[Math.floor(0.05 * sorted.length)];
  return {
    samples: median(Array.from(sampleDistances)),
    heldOut: median(Array.from(heldOutDistances)),
    nearCopies: sampleDistances.filter((d) => d < threshold).length / sampleDistances.length,
  };
}

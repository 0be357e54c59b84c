/**
 * Fits LANDMARK_CROP (edge/core/align/crops.ts): how the 68-point landmark net's crop frames a BlazeFace box. The
 * landmark net was trained on crops around another detector's boxes, so the framing is searched (coordinate descent
 * with shrinking steps) for the smallest p95 re-alignment drift of aligned CelebA faces 8001–8300 — faces that
 * bench-align leaves out by default — aligned as the API aligns them.
 * Usage: npx tsx scripts/fit-landmark-crop.ts [first=8001] [count=300]
 */
import { alignmentTransform } from '#core/align/aligner.ts';
import { LANDMARK_CROP, type LandmarkCrop } from '#core/align/crops.ts';
import type { FaceBox } from '#core/align/detect.ts';
import { applySimilarity } from '#core/align/geometry.ts';
import { celebaImage, nodeAligner } from '../edge/testing/align-fixtures.ts';
import type { RgbaImage } from '#core/image/decode.ts';
import { CELEBA_ALIGNED_FACE } from '../train/data/image-folder.ts';
import { eyeMoves, quantile } from './realignment.ts';

const args = Object.fromEntries(process.argv.slice(2).map((a) => a.split('=') as [string, string]));
const first = Number(args.first ?? 8001);
const count = Number(args.count ?? 300);
const aligner = nodeAligner();
const faces: { image: RgbaImage; box: FaceBox }[] = [];
for (let index = first; index < first + count; index++) {
  const image = celebaImage(index);
  const [box] = await aligner.detect(image);
  if (box) faces.push({ image, box });
}
console.log(`${faces.length}/${count} faces found`);

async function drift(crop: LandmarkCrop): Promise<number> {
  const moves: number[] = [];
  for (const { image, box } of faces) {
    const landmarks = await aligner.landmarks(image, box, crop);
    const realign = alignmentTransform(landmarks, { width: 1, height: 1, face: CELEBA_ALIGNED_FACE });
    moves.push(...eyeMoves(image, landmarks, (eye) => applySimilarity(realign, eye)));
  }
  return quantile(moves, 0.95);
}

let best: LandmarkCrop = { ...LANDMARK_CROP };
let bestDrift = await drift(best);
console.log(`start ${JSON.stringify(best)}: p95 ${(100 * bestDrift).toFixed(3)}%`);
for (const step of [0.08, 0.04, 0.02, 0.01]) {
  for (let improved = true; improved; ) {
    improved = false;
    for (const key of ['side', 'shiftX', 'shiftY'] as const) {
      for (const sign of [1, -1]) {
        const candidate = { ...best, [key]: Number((best[key] + sign * step).toFixed(4)) };
        const value = await drift(candidate);
        if (value < bestDrift) [best, bestDrift, improved] = [candidate, value, true];
      }
    }
  }
  console.log(`step ${step}: ${JSON.stringify(best)} p95 ${(100 * bestDrift).toFixed(3)}%`);
}

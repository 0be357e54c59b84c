/**
 * Face alignment cost and accuracy (docs/benchmarks.md, "Alignment").
 * 1. Speed: ms per 640×480 photo for alignment (detect + 68 landmarks + warp), against the baseline of the
 *    same request without alignment (JPEG decode + crop/resize + encoder run of a shipped model), same run.
 * 2. Re-alignment: CelebA development faces are already aligned; aligning them again should move the eye
 *    centres little (target ≤ 3% of the crop width). Uses images disjoint from the ones that set the target and, by
 *    default, from 8001–8300, on which the detector's second look (TIGHT_CROP_FILL in aligner.ts) was tuned. Two ways:
 *    the API's path (FaceAligner.align on the 89×109 face as it is) and, as first measured, landmarks found on the
 *    face enlarged 1.8× on a black 320×320 canvas.
 * 3. Composed phone photos (scripts/composed-photos.ts): held-out faces scaled ×2.5–3.5, rotated up to ±15° and ±35°
 *    and placed on a 640×480 background; found = the aligned eyes lie within 0.35 interocular distances of the truth.
 * CelebA is read in place from ../shared/datasets/celeba-9k (research-only; nothing is copied).
 * Usage: npm run bench:align [-- photos=20 faces=100 first=8301 composed=200 composedFirst=8301]
 */
import { existsSync, readFileSync } from 'node:fs';
import jpeg from 'jpeg-js';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { alignmentTransform, type AlignTarget } from '#core/align/aligner.ts';
import { applySimilarity } from '#core/align/geometry.ts';
import { CELEBA_IMAGES, celebaImage, celebaPresent, landmarksOfSmallPhoto, nodeAligner, placeOnCanvas } from '../edge/testing/align-fixtures.ts';
import { InputError } from '#core/errors.ts';
import { decodeImage, type RgbaImage } from '#core/image/decode.ts';
import { preprocessImage } from '#core/image/preprocess.ts';
import { loadModel } from '#core/model-loader.ts';
import { ModelRuntime } from '#core/runtime.ts';
import { CELEBA_ALIGNED_FACE } from '../train/data/image-folder.ts';
import { benchComposedPhotos } from './bench-align-photos.ts';
import { eyeMoves } from './realignment.ts';

const args = Object.fromEntries(process.argv.slice(2).map((a) => a.split('=') as [string, string]));
const photos = Number(args.photos ?? 20);
const faces = Number(args.faces ?? 100);
// Faces 8001–8300 tuned the detector's retry (TIGHT_CROP_FILL); measuring on them would flatter it.
const first = Number(args.first ?? 8301);
const composed = Number(args.composed ?? 200);
const composedFirst = Number(args.composedFirst ?? 8301);
const validFaces = Number.isInteger(faces) && faces >= 1 && faces <= 1000 && Number.isInteger(first) && first > 200 && first + faces - 1 <= 9000;
const validComposed = Number.isInteger(composed) && composed >= 0 && Number.isInteger(composedFirst) && composedFirst > 200 && composedFirst + composed - 1 <= 9000;
if (!Number.isInteger(photos) || photos < 1 || photos > 200 || !validFaces || !validComposed) {
  console.error(
    'usage: bench-align.ts [photos=1..200] [faces=1..1000] [first=201..9000, first+faces-1 ≤ 9000; default 8301: 8001–8300 tuned the detector] [composed=0..1000] [composedFirst=201..9000]',
  );
  process.exit(1);
}
if (!celebaPresent) {
  console.error(`CelebA not found at ${CELEBA_IMAGES}: the benchmark needs real faces`);
  process.exit(1);
}

const modelId = existsSync('models/faces/manifest.json') ? 'faces' : 'digits';
const model = await loadModel(async (p) => {
  const b = readFileSync(join('models', modelId, p));
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
});
const runtime = new ModelRuntime(model, ort, { sessionOptions: { intraOpNumThreads: 1, interOpNumThreads: 1 } });
const target: AlignTarget = { width: model.manifest.input.width, height: model.manifest.input.height, face: CELEBA_ALIGNED_FACE };

/** A 640×480 JPEG photo: a CelebA face enlarged 2.4× onto a grey-ish canvas, slightly rotated. */
function photo(index: number): Uint8Array {
  const square = placeOnCanvas(celebaImage(index), 480, 2.4, (index % 7) - 3);
  const data = new Uint8Array(640 * 480 * 4).fill(96);
  for (let y = 0; y < 480; y++) data.set(square.data.subarray(y * 480 * 4, (y + 1) * 480 * 4), (y * 640 + 80) * 4);
  return new Uint8Array(jpeg.encode({ width: 640, height: 480, data }, 90).data);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const jpegs = Array.from({ length: photos }, (_, i) => photo(8001 + i));

async function timeBaseline(bytes: Uint8Array): Promise<{ ms: number; image: RgbaImage }> {
  const start = performance.now();
  const image = decodeImage(bytes);
  await runtime.encode([preprocessImage(image, model.manifest.input)]);
  return { ms: performance.now() - start, image };
}

console.log(`Alignment speed: ${photos} photos 640×480 (CelebA 8001..${8000 + photos} on a canvas), baseline model "${modelId}", Node ${process.version}`);
{
  const aligner = nodeAligner();
  await aligner.warm();
  await runtime.warm();
  const warm = decodeImage(jpegs[0]);
  await aligner.align(warm, target);
  await timeBaseline(jpegs[0]);
  const baseline: number[] = [];
  const align: number[] = [];
  let found = 0;
  for (const bytes of jpegs) {
    const { ms, image } = await timeBaseline(bytes);
    baseline.push(ms);
    const start = performance.now();
    try {
      await aligner.align(image, target);
      found++;
    } catch {
      // a photo without a detected face still costs the detector run, which is what is timed
    }
    align.push(performance.now() - start);
  }
  console.log(
    `  detector input ${aligner.detectorSize}: alignment median ${median(align).toFixed(1)} ms (mean ${(align.reduce((a, b) => a + b) / align.length).toFixed(1)}), ` +
      `baseline decode+preprocess+encode median ${median(baseline).toFixed(1)} ms, ratio ${(median(align) / median(baseline)).toFixed(2)}×, faces found ${found}/${photos}`,
  );
  const detection: number[] = [];
  const landmarks: number[] = [];
  for (const bytes of jpegs) {
    const image = decodeImage(bytes);
    let start = performance.now();
    const [box] = await aligner.detect(image);
    detection.push(performance.now() - start);
    if (!box) continue;
    start = performance.now();
    await aligner.landmarks(image, box);
    landmarks.push(performance.now() - start);
  }
  console.log(`    of which detection (letterbox + detector run + decoding) median ${median(detection).toFixed(1)} ms, landmarks (crop + run) ${median(landmarks).toFixed(1)} ms`);
}

const last = first + faces - 1;
const aligner = nodeAligner();
const percent = (v: number) => `${(100 * v).toFixed(2)}%`;
function summary(moves: number[], missed: number): string {
  const sorted = [...moves].sort((a, b) => a - b);
  return (
    `eye centres moved (fraction of crop width): mean ${percent(moves.reduce((a, b) => a + b) / moves.length)}, median ${percent(median(moves))}, ` +
    `p95 ${percent(sorted[Math.floor(0.95 * (sorted.length - 1))])}, max ${percent(sorted[sorted.length - 1])}; ` +
    `${percent(moves.filter((m) => m <= 0.03).length / moves.length)} of eyes within 3%; faces not found ${missed}/${faces}`
  );
}
console.log(`Re-alignment of aligned CelebA faces ${first}..${last} (target measured on 1..200):`);
const apiMoves: number[] = [];
const canvasMoves: number[] = [];
let apiMissed = 0;
let canvasMissed = 0;
for (let index = first; index <= last; index++) {
  const image = celebaImage(index);
  try {
    const { landmarks, transform } = await aligner.align(image, target);
    const [a, c, tx, b, , ty] = transform.matrix;
    apiMoves.push(...eyeMoves(image, landmarks, ([x, y]) => [(a * x + c * y + tx) / target.width, (b * x + a * y + ty) / target.height]));
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    apiMissed++;
  }
  const landmarks = await landmarksOfSmallPhoto(aligner, image);
  if (!landmarks) {
    canvasMissed++;
    continue;
  }
  const realign = alignmentTransform(landmarks, { width: 1, height: 1, face: CELEBA_ALIGNED_FACE });
  canvasMoves.push(...eyeMoves(image, landmarks, (eye) => applySimilarity(realign, eye)));
}
console.log(`  API path (align the 89×109 face as it is): ${summary(apiMoves, apiMissed)}`);
console.log(`  enlarged 1.8× on a black 320×320 canvas: ${summary(canvasMoves, canvasMissed)}`);
if (composed > 0) await benchComposedPhotos(aligner, target, composedFirst, composed);

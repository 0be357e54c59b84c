/**
 * Face alignment cost and accuracy (docs/benchmarks.md, "Alignment").
 * 1. Speed: ms per 640×480 photo for alignment (detect + 68 landmarks + warp), against the baseline of the
 *    same request without alignment (JPEG decode + crop/resize + encoder run of a shipped model), same run.
 * 2. Re-alignment: CelebA development faces are already aligned; aligning them again should move the eye
 *    centres little (target ≤ 3% of the crop width). Uses images disjoint from the ones that set the target.
 * CelebA is read in place from ../shared/datasets/celeba-9k (research-only; nothing is copied).
 * Usage: npm run bench:align [-- photos=20 faces=100]
 */
import { existsSync, readFileSync } from 'node:fs';
import jpeg from 'jpeg-js';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { alignmentTransform, type AlignTarget } from '../edge/core/align/aligner.ts';
import { applySimilarity } from '../edge/core/align/geometry.ts';
import { faceAnchors } from '../edge/core/align/landmarks.ts';
import { CELEBA_IMAGES, celebaImage, celebaPresent, landmarksOfSmallPhoto, nodeAligner, placeOnCanvas } from '../edge/core/align/testing.ts';
import { decodeImage, type RgbaImage } from '../edge/core/image/decode.ts';
import { cropRegion, preprocessImage } from '../edge/core/image/preprocess.ts';
import { loadModel } from '../edge/core/model-loader.ts';
import { ModelRuntime } from '../edge/core/runtime.ts';
import { CELEBA_ALIGNED_CROP, CELEBA_ALIGNED_FACE } from '../train/data/image-folder.ts';

const args = Object.fromEntries(process.argv.slice(2).map((a) => a.split('=') as [string, string]));
const photos = Number(args.photos ?? 20);
const faces = Number(args.faces ?? 100);
if (!Number.isInteger(photos) || photos < 1 || photos > 200 || !Number.isInteger(faces) || faces < 1 || faces > 1000) {
  console.error('usage: bench-align.ts [photos=1..200] [faces=1..1000]');
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
for (const detectorSize of [416, 320]) {
  const aligner = nodeAligner({ detectorSize });
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
    `  detector ${detectorSize}: alignment median ${median(align).toFixed(1)} ms (mean ${(align.reduce((a, b) => a + b) / align.length).toFixed(1)}), ` +
      `baseline decode+preprocess+encode median ${median(baseline).toFixed(1)} ms, ratio ${(median(align) / median(baseline)).toFixed(2)}×, faces found ${found}/${photos}`,
  );
}

console.log(`Re-alignment of aligned CelebA faces 8001..${8000 + faces} (target measured on 1..200):`);
const aligner = nodeAligner({ detectorSize: 320 });
const moves: number[] = [];
let missed = 0;
for (let index = 8001; index < 8001 + faces; index++) {
  const image = celebaImage(index);
  const landmarks = await landmarksOfSmallPhoto(aligner, image);
  if (!landmarks) {
    missed++;
    continue;
  }
  const region = cropRegion(CELEBA_ALIGNED_CROP, image.width, image.height);
  const realign = alignmentTransform(landmarks, { width: 1, height: 1, face: CELEBA_ALIGNED_FACE });
  const anchors = faceAnchors(landmarks);
  for (const eye of [anchors.leftEye, anchors.rightEye]) {
    const asTrained: [number, number] = [(eye[0] - region.left) / region.width, (eye[1] - region.top) / region.height];
    const [x, y] = applySimilarity(realign, eye);
    moves.push(Math.hypot(x - asTrained[0], y - asTrained[1]));
  }
}
const sorted = [...moves].sort((a, b) => a - b);
const pct = (v: number) => `${(100 * v).toFixed(2)}%`;
console.log(
  `  eye centres moved (fraction of crop width): mean ${pct(moves.reduce((a, b) => a + b) / moves.length)}, median ${pct(median(moves))}, ` +
    `p95 ${pct(sorted[Math.floor(0.95 * (sorted.length - 1))])}, max ${pct(sorted[sorted.length - 1])}; ` +
    `${pct(moves.filter((m) => m <= 0.03).length / moves.length)} of eyes within 3%; faces not found ${missed}/${faces}`,
);

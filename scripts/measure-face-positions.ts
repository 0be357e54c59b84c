/**
 * Measures where CelebA's aligned faces have their eye and mouth centres inside the faces model's crop
 * (CELEBA_ALIGNED_CROP), as the mean over a sample of images: the `input.face` a CelebA-trained manifest states.
 * Reads ../shared/datasets/celeba-9k in place (research-only data: nothing is copied).
 * Usage: npx tsx scripts/measure-face-positions.ts [count=200] [first=1]
 */
import { cropRegion } from '#core/image/preprocess.ts';
import { faceAnchors } from '#core/align/landmarks.ts';
import { CELEBA_IMAGES, celebaImage, celebaPresent, landmarksOfSmallPhoto, nodeAligner } from '../edge/testing/align-fixtures.ts';
import { CELEBA_ALIGNED_CROP } from '../train/data/image-folder.ts';

const count = Number(process.argv[2] ?? 200);
const first = Number(process.argv[3] ?? 1);
if (!Number.isInteger(count) || count < 1 || count > 9000 || !Number.isInteger(first) || first < 1 || first + count - 1 > 9000) {
  console.error('usage: measure-face-positions.ts [count 1..9000] [first 1..9000]');
  process.exit(1);
}
if (!celebaPresent) {
  console.error(`CelebA not found at ${CELEBA_IMAGES}`);
  process.exit(1);
}

const aligner = nodeAligner();
const sums = { leftEye: [0, 0], rightEye: [0, 0], mouth: [0, 0] };
let found = 0;
for (let index = first; index < first + count; index++) {
  const image = celebaImage(index);
  const landmarks = await landmarksOfSmallPhoto(aligner, image);
  if (!landmarks) continue;
  const region = cropRegion(CELEBA_ALIGNED_CROP, image.width, image.height);
  const anchors = faceAnchors(landmarks);
  for (const key of ['leftEye', 'rightEye', 'mouth'] as const) {
    sums[key][0] += (anchors[key][0] - region.left) / region.width;
    sums[key][1] += (anchors[key][1] - region.top) / region.height;
  }
  found++;
}
const round = (v: number) => Math.round((v / found) * 10000) / 10000;
const face = Object.fromEntries(Object.entries(sums).map(([k, [x, y]]) => [k, [round(x), round(y)]]));
console.log(JSON.stringify({ images: `${first}..${first + count - 1}`, facesFound: found, face }, null, 2));

/**
 * The square the independent judges look at, and how it is cut from a photo, an aligned face or an API output.
 * The square is fixed in model space (the faces model's aligned 64×64 frame), so an original photo, the API's
 * face output and an edited photo are all judged over the same part of the face. It is roughly the crop
 * @vladmandic/human hands these networks: the detector's face box enlarged 1.2× and squared, i.e. brows to chin.
 */
import type { AlignTarget } from '#core/align/aligner.ts';
import { invertSimilarity, type Similarity } from '#core/align/geometry.ts';
import { warpToPlanes } from '#core/align/warp.ts';
import type { RgbaImage } from '#core/image/decode.ts';

/** A square in fractions of the model-space width (centre x, y and side), the frame being square. */
export interface JudgeSquare {
  centre: [number, number];
  side: number;
}

/**
 * Centred between the eyes horizontally, a little above the eye-mouth midpoint, 2.45 eye distances wide: on
 * CelebA's framing (eyes at y 0.52, mouth at 0.82) it spans y 0.29–0.97, inside the 64×64 frame, so a face
 * output of the API holds all of it.
 */
export function judgeSquare(face: AlignTarget['face']): JudgeSquare {
  const eyeX = (face.leftEye[0] + face.rightEye[0]) / 2;
  const eyeY = (face.leftEye[1] + face.rightEye[1]) / 2;
  const eyeDistance = Math.hypot(face.rightEye[0] - face.leftEye[0], face.rightEye[1] - face.leftEye[1]);
  return { centre: [eyeX, eyeY + 0.36 * (face.mouth[1] - eyeY)], side: 2.45 * eyeDistance };
}

/** Planes of a judge crop: `size`×`size` RGB floats in [0, 1], interleaved HWC (tfjs's NHWC without N). */
export interface JudgeCrop {
  size: number;
  hwc: Float32Array;
}

const MAX_SUPERSAMPLE = 4;

/**
 * Cuts `square` (in model space) out of `image`, where `imageToModel` maps image pixels to model pixels of a
 * `target.width`-wide frame. Samples bilinearly at up to 4× and box-averages down, so a large photo is not aliased.
 */
export function cutJudgeCrop(image: RgbaImage, imageToModel: Similarity, target: Pick<AlignTarget, 'width'>, square: JudgeSquare, size: number): JudgeCrop {
  const modelToImage = invertSimilarity(imageToModel);
  const sidePixels = square.side * target.width;
  const imagePixelsPerOutput = (sidePixels * Math.hypot(modelToImage.a, modelToImage.b)) / size;
  const k = Math.min(MAX_SUPERSAMPLE, Math.max(1, Math.ceil(imagePixelsPerOutput)));
  const fine = size * k;
  // fine output pixel → model pixel: scale by side/fine, then shift to the square's corner; then model → image.
  const step = sidePixels / fine;
  const left = (square.centre[0] - square.side / 2) * target.width;
  const top = square.centre[1] * target.width - sidePixels / 2;
  const outputToSource: Similarity = {
    a: modelToImage.a * step,
    b: modelToImage.b * step,
    tx: modelToImage.a * left - modelToImage.b * top + modelToImage.tx,
    ty: modelToImage.b * left + modelToImage.a * top + modelToImage.ty,
  };
  const planes = warpToPlanes(image, { outputToSource, width: fine, height: fine, outside: 'clamp' });
  return { size, hwc: boxDownToHwc(planes, fine, k) };
}

/** Averages k×k blocks of CHW planes (values 0..255) into HWC values in [0, 1]. */
function boxDownToHwc(planes: Float32Array, fine: number, k: number): Float32Array {
  const size = fine / k;
  const out = new Float32Array(size * size * 3);
  const plane = fine * fine;
  const norm = 1 / (k * k * 255);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      for (let c = 0; c < 3; c++) {
        let sum = 0;
        for (let dy = 0; dy < k; dy++) for (let dx = 0; dx < k; dx++) sum += planes[c * plane + (y * k + dy) * fine + x * k + dx];
        out[(y * size + x) * 3 + c] = sum * norm;
      }
    }
  }
  return out;
}

/** An image that already is the model frame at any resolution (the API's face output): pixels scale onto model pixels. */
export function frameToModel(image: Pick<RgbaImage, 'width'>, target: Pick<AlignTarget, 'width'>): Similarity {
  return { a: target.width / image.width, b: 0, tx: 0, ty: 0 };
}

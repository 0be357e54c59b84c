import { InputError } from '../errors.ts';
import type { RgbaImage } from '../image/decode.ts';
import { alignmentTransform, type AlignTarget, type Alignment, type FaceAligner } from './aligner.ts';
import type { FaceBox } from './detect.ts';
import { invertSimilarity, similarityRotationDegrees, similarityScale } from './geometry.ts';
import { warpToRgba } from './warp.ts';

const MAX_SUPERSAMPLE = 4;

/**
 * Aligns the face inside a box someone chose (the site's user moving or resizing the detected box): the 68 landmarks
 * are found within that box, then the photo is warped exactly as FaceAligner.align warps it. `faceCount` is carried into
 * the result for reporting. Throws InputError 422 for a box outside the photo or smaller than the aligner's minimum.
 */
export async function alignWithinBox(aligner: FaceAligner, image: RgbaImage, box: FaceBox, target: AlignTarget, faceCount = 1): Promise<Alignment> {
  const clipped = clipToImage(box, image);
  if (Math.min(clipped.width, clipped.height) < aligner.minFaceSize) {
    throw new InputError(
      422,
      'face_too_small',
      `the face box covers ${Math.round(clipped.width)}×${Math.round(clipped.height)} pixels of the photo; at least ${aligner.minFaceSize} pixels are needed`,
      { box: clipped, minFaceSize: aligner.minFaceSize },
    );
  }
  const landmarks = await aligner.landmarks(image, clipped);
  const photoToModel = alignmentTransform(landmarks, target);
  // Enough output pixels that the model's own area resize, not this bilinear warp, does the downscaling.
  const supersample = Math.min(MAX_SUPERSAMPLE, Math.max(1, Math.ceil(1 / similarityScale(photoToModel))));
  const modelToPhoto = invertSimilarity(photoToModel);
  const outputToSource = { a: modelToPhoto.a / supersample, b: modelToPhoto.b / supersample, tx: modelToPhoto.tx, ty: modelToPhoto.ty };
  const aligned = warpToRgba(image, { outputToSource, width: target.width * supersample, height: target.height * supersample, outside: 'clamp' });
  const { a, b, tx, ty } = photoToModel;
  return {
    faceCount,
    box: clipped,
    landmarks,
    transform: { matrix: [a, -b, tx, b, a, ty], scale: similarityScale(photoToModel), rotationDegrees: similarityRotationDegrees(photoToModel) },
    image: aligned,
    supersample,
  };
}

function clipToImage(box: FaceBox, image: RgbaImage): FaceBox {
  const values = [box.left, box.top, box.width, box.height];
  if (!values.every(Number.isFinite) || !(box.width > 0 && box.height > 0)) {
    throw new InputError(422, 'invalid_face_box', `the face box [${values.join(', ')}] needs finite numbers and a positive width and height`);
  }
  const left = Math.max(0, box.left);
  const top = Math.max(0, box.top);
  const right = Math.min(image.width, box.left + box.width);
  const bottom = Math.min(image.height, box.top + box.height);
  if (right <= left || bottom <= top) throw new InputError(422, 'invalid_face_box', 'the face box lies outside the photo');
  return { left, top, width: right - left, height: bottom - top, score: box.score };
}

import { InputError } from '../errors.ts';
import type { RgbaImage } from '../image/decode.ts';
import { clipBox, type AlignTarget, type Alignment, type FaceAligner } from './aligner.ts';
import type { FaceBox } from './detect.ts';

/**
 * Aligns the face inside a box someone chose (the site's user moving or resizing the detected box): the 68 landmarks
 * are found within that box, then the photo is warped by the same step FaceAligner.align ends with. `faceCount` is
 * carried into the result for reporting. Throws InputError 422 for a box outside the photo or smaller than the
 * aligner's minimum.
 */
export async function alignWithinBox(aligner: FaceAligner, image: RgbaImage, box: FaceBox, target: AlignTarget, faceCount = 1): Promise<Alignment> {
  const values = [box.left, box.top, box.width, box.height];
  if (!values.every(Number.isFinite) || !(box.width > 0 && box.height > 0)) {
    throw new InputError(422, 'invalid_face_box', `the face box [${values.join(', ')}] needs finite numbers and a positive width and height`);
  }
  const clipped = clipBox(box, image);
  if (clipped.width <= 0 || clipped.height <= 0) throw new InputError(422, 'invalid_face_box', 'the face box lies outside the photo');
  aligner.requireFaceSize(clipped, 'the part of the face box inside the photo');
  return aligner.alignFace(image, clipped, target, faceCount);
}

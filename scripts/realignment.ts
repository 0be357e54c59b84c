/** Re-alignment drift of aligned CelebA faces, shared by bench-align and fit-landmark-crop. */
import { faceAnchors } from '#core/align/landmarks.ts';
import type { RgbaImage } from '#core/image/decode.ts';
import { cropRegion } from '#core/image/preprocess.ts';
import { CELEBA_ALIGNED_CROP } from '../train/data/image-folder.ts';

/**
 * How far re-alignment `photoToCrop` (photo pixels → fractions of the crop) moves the two eye centres of `landmarks`
 * from where CelebA's own alignment put them, in crop widths.
 */
export function eyeMoves(image: RgbaImage, landmarks: [number, number][], photoToCrop: (p: [number, number]) => [number, number]): number[] {
  const region = cropRegion(CELEBA_ALIGNED_CROP, image.width, image.height);
  const anchors = faceAnchors(landmarks);
  return [anchors.leftEye, anchors.rightEye].map((eye) => {
    const [x, y] = photoToCrop(eye);
    return Math.hypot(x - (eye[0] - region.left) / region.width, y - (eye[1] - region.top) / region.height);
  });
}

export const quantile = (values: number[], q: number) => [...values].sort((a, b) => a - b)[Math.floor(q * (values.length - 1))];

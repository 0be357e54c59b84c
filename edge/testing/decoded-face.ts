import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { warpToRgba } from '#core/align/warp.ts';
import { decodeImage, type RgbaImage } from '#core/image/decode.ts';

/**
 * A face no one owns, for tests that need a detectable face without CelebA (whose terms forbid copying its images):
 * decoded-face.png is the faces model's decoder output (models/faces 1.0.0, `sampleLatents(latent, 12, 3)[7]`),
 * a generated 64×64 face like those of its atlas.png, picked because face-api's detector finds it with score ≥ 0.9.
 */
export const DECODED_FACE_FILE = join(dirname(fileURLToPath(import.meta.url)), 'decoded-face.png');

export function decodedFace(): RgbaImage {
  return decodeImage(new Uint8Array(readFileSync(DECODED_FACE_FILE)));
}

/**
 * A photo-like scene: the decoded face enlarged `scale`× (bilinear) at (`centerX`, `centerY`) on a blue-green gradient,
 * since the detector scores a face on a plain black canvas lower than one with surroundings.
 */
export function decodedFacePhoto(width = 320, height = 240, scale = 2, centerX = width / 2, centerY = height / 2): RgbaImage {
  const face = decodedFace();
  const photo = warpToRgba(face, {
    outputToSource: { a: 1 / scale, b: 0, tx: face.width / 2 - centerX / scale, ty: face.height / 2 - centerY / scale },
    width,
    height,
    outside: 'zero',
  });
  const left = centerX - (face.width * scale) / 2;
  const top = centerY - (face.height * scale) / 2;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (x >= left && x < left + face.width * scale && y >= top && y < top + face.height * scale) continue;
      const p = (y * width + x) * 4;
      photo.data[p] = 90;
      photo.data[p + 1] = 110 + Math.round((y / height) * 60);
      photo.data[p + 2] = 140;
    }
  }
  return photo;
}

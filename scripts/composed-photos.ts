/**
 * "Phone photos" composed from aligned CelebA faces, for measuring how often alignment finds the face: the 89×109
 * face scaled ×2.5–3.5, rotated by up to ±maxRotation degrees and placed off-centre on a 640×480 textured background,
 * then JPEG-compressed. Where the face's eyes land is known from CelebA's own alignment (CELEBA_ALIGNED_FACE), so a
 * result can be checked to be the face and not something else. Deterministic: the same index and range give the
 * same photo.
 */
import jpeg from 'jpeg-js';
import { faceAnchors } from '#core/align/landmarks.ts';
import type { Point } from '#core/align/geometry.ts';
import { decodeImage, type RgbaImage } from '#core/image/decode.ts';
import { cropRegion } from '#core/image/preprocess.ts';
import { CELEBA_ALIGNED_CROP, CELEBA_ALIGNED_FACE } from '../train/data/image-folder.ts';

export const PHOTO_WIDTH = 640;
export const PHOTO_HEIGHT = 480;

export interface ComposedPhoto {
  image: RgbaImage;
  /** The eye centres (image-left, image-right) in photo pixels, where CelebA's alignment put them. */
  eyes: [Point, Point];
  rotationDegrees: number;
  scale: number;
}

/** mulberry32: a small seeded generator, so every run composes the same photos. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function composePhoto(face: RgbaImage, seed: number, maxRotation: number): ComposedPhoto {
  const next = random(seed * 7919 + Math.round(maxRotation));
  const scale = 2.5 + next();
  const rotationDegrees = (2 * next() - 1) * maxRotation;
  const centre: Point = [PHOTO_WIDTH / 2 + (2 * next() - 1) * 90, PHOTO_HEIGHT / 2 + (2 * next() - 1) * 30];
  const theta = (rotationDegrees * Math.PI) / 180;
  const [cos, sin] = [Math.cos(theta), Math.sin(theta)];
  const faceToPhoto = ([x, y]: Point): Point => {
    const [u, v] = [(x - face.width / 2) * scale, (y - face.height / 2) * scale];
    return [centre[0] + cos * u - sin * v, centre[1] + sin * u + cos * v];
  };
  const phase = next() * 6;
  const data = new Uint8Array(PHOTO_WIDTH * PHOTO_HEIGHT * 4);
  for (let y = 0; y < PHOTO_HEIGHT; y++) {
    for (let x = 0; x < PHOTO_WIDTH; x++) {
      // Photo pixel centre → face pixel (inverse rotation and scale), sampled bilinearly when inside the face.
      const [dx, dy] = [x + 0.5 - centre[0], y + 0.5 - centre[1]];
      const fx = (cos * dx + sin * dy) / scale + face.width / 2 - 0.5;
      const fy = (-sin * dx + cos * dy) / scale + face.height / 2 - 0.5;
      const p = (y * PHOTO_WIDTH + x) * 4;
      if (fx >= 0 && fy >= 0 && fx <= face.width - 1 && fy <= face.height - 1) sample(face, fx, fy, data, p);
      else background(x, y, phase, data, p);
      data[p + 3] = 255;
    }
  }
  const region = cropRegion(CELEBA_ALIGNED_CROP, face.width, face.height);
  const inFace = ([fx, fy]: readonly [number, number]): Point => [region.left + fx * region.width, region.top + fy * region.height];
  const eyes: [Point, Point] = [faceToPhoto(inFace(CELEBA_ALIGNED_FACE.leftEye)), faceToPhoto(inFace(CELEBA_ALIGNED_FACE.rightEye))];
  const bytes = jpeg.encode({ width: PHOTO_WIDTH, height: PHOTO_HEIGHT, data }, 90).data;
  return { image: decodeImage(new Uint8Array(bytes)), eyes, rotationDegrees, scale };
}

function sample(face: RgbaImage, fx: number, fy: number, out: Uint8Array, p: number): void {
  const [x0, y0] = [Math.min(face.width - 2, Math.floor(fx)), Math.min(face.height - 2, Math.floor(fy))];
  const [tx, ty] = [fx - x0, fy - y0];
  const q = (y0 * face.width + x0) * 4;
  const r = q + face.width * 4;
  for (let c = 0; c < 3; c++) {
    const top = face.data[q + c] * (1 - tx) + face.data[q + 4 + c] * tx;
    const bottom = face.data[r + c] * (1 - tx) + face.data[r + 4 + c] * tx;
    out[p + c] = Math.round(top * (1 - ty) + bottom * ty);
  }
}

/** A smooth, coloured wall-like texture: something a face detector should not call a face. */
function background(x: number, y: number, phase: number, out: Uint8Array, p: number): void {
  out[p] = 110 + 60 * Math.sin(x / 57 + phase);
  out[p + 1] = 120 + 40 * Math.cos(y / 43 + phase) * Math.sin(x / 91);
  out[p + 2] = 90 + 50 * Math.sin((x + y) / 71 + 2 * phase);
}

/**
 * Whether an alignment found the composed face: both of its eye centres (from the 68 landmarks) lie within
 * 0.35 of the true interocular distance of the true eyes. Returns the larger of the two eye errors in those units.
 */
export function eyeError(photo: ComposedPhoto, landmarks: readonly Point[]): number {
  const { leftEye, rightEye } = faceAnchors(landmarks);
  const [trueLeft, trueRight] = photo.eyes;
  const interocular = Math.hypot(trueRight[0] - trueLeft[0], trueRight[1] - trueLeft[1]);
  const error = (a: Point, b: Point) => Math.hypot(a[0] - b[0], a[1] - b[1]) / interocular;
  return Math.max(error(leftEye, trueLeft), error(rightEye, trueRight));
}

export const FOUND_EYE_ERROR = 0.35;

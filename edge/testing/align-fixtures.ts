/** Node-only helpers for the alignment tests and scripts (onnxruntime-node, files on disk). */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { decodeImage, type RgbaImage } from '#core/image/decode.ts';
import { FaceAligner, type AlignerOptions } from '#core/align/aligner.ts';
import { warpToRgba } from '#core/align/warp.ts';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const ALIGN_MODEL_DIR = join(repoRoot, 'models', 'align');
/** CelebA is research-only: it is read in place when present and never copied into the repository. */
export const CELEBA_IMAGES = join(repoRoot, '..', 'shared', 'datasets', 'celeba-9k', 'images');
export const celebaPresent = existsSync(CELEBA_IMAGES);

export function nodeAligner(options: AlignerOptions = {}): FaceAligner {
  const read = (name: string) => new Uint8Array(readFileSync(join(ALIGN_MODEL_DIR, name)));
  return new FaceAligner(ort, { detector: read('detector.onnx'), landmarks: read('landmarks.onnx') }, { sessionOptions: { intraOpNumThreads: 1 }, ...options });
}

export function celebaImage(index: number): RgbaImage {
  return decodeImage(new Uint8Array(readFileSync(join(CELEBA_IMAGES, `${String(index).padStart(6, '0')}.jpg`))));
}

/** Scales `image` by `scale` about its centre and places it in the middle of a black `size`×`size` canvas. */
export function placeOnCanvas(image: RgbaImage, size: number, scale: number, rotationDegrees = 0): RgbaImage {
  const theta = (rotationDegrees * Math.PI) / 180;
  // canvas → image: inverse of (rotate and scale about the image centre, then move it to the canvas centre).
  const a = Math.cos(theta) / scale;
  const b = -Math.sin(theta) / scale;
  const c = size / 2;
  const tx = image.width / 2 - (a * c - b * c);
  const ty = image.height / 2 - (b * c + a * c);
  return warpToRgba(image, { outputToSource: { a, b, tx, ty }, width: size, height: size, outside: 'zero' });
}

/**
 * Landmarks of a small face photo (CelebA's 89×109) in its own pixels: the detector needs the face larger,
 * so the photo is enlarged onto a canvas and the landmarks are mapped back.
 */
export async function landmarksOfSmallPhoto(aligner: FaceAligner, image: RgbaImage, canvas = 320, enlarge = 1.8): Promise<[number, number][] | undefined> {
  const placed = placeOnCanvas(image, canvas, enlarge);
  const [face] = await aligner.detect(placed);
  if (!face) return undefined;
  const landmarks = await aligner.landmarks(placed, face);
  const offsetX = canvas / 2 - (enlarge * image.width) / 2;
  const offsetY = canvas / 2 - (enlarge * image.height) / 2;
  return landmarks.map(([x, y]) => [(x - offsetX) / enlarge, (y - offsetY) / enlarge]);
}

/**
 * Aligning unaligned face photos into the framing of CelebA's aligned faces, the one step shared by the trainer's
 * folder dataset (`align: "face"`) and scripts/align-folder.ts, so both align exactly as the API aligns uploads.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { FaceAligner, type AlignerOptions } from '#core/align/aligner.ts';
import { ALIGN_VERSION } from '#core/align/constants.ts';
import { InputError } from '#core/errors.ts';
import type { RgbaImage } from '#core/image/decode.ts';
import type { ManifestInput } from '#core/manifest.ts';

export const ALIGN_MODEL_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'models', 'align');

/** An aligner plus a description of everything that decides its output, for dataset cache keys. */
export interface FaceAlignStep {
  aligner: FaceAligner;
  /** The face positions the photos are warped to, as fractions of the square crop. */
  face: NonNullable<ManifestInput['face']>;
  cacheKey: Record<string, unknown>;
}

/** Loads models/align (onnxruntime-node, one thread: the trainer needs the other core) as a step that warps faces onto `face`. */
export function loadFaceAlignStep(face: NonNullable<ManifestInput['face']>, options: AlignerOptions = {}, modelDir = ALIGN_MODEL_DIR): FaceAlignStep {
  const read = (name: string) => {
    try {
      return new Uint8Array(readFileSync(join(modelDir, name)));
    } catch (error) {
      throw new Error(`cannot read the face alignment network ${join(modelDir, name)} (built by npm run build:align): ${(error as Error).message}`);
    }
  };
  const files = { detector: read('detector.onnx'), landmarks: read('landmarks.onnx') };
  const aligner = new FaceAligner(ort, files, { sessionOptions: { intraOpNumThreads: 1, interOpNumThreads: 1 }, ...options });
  const digest = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex').slice(0, 16);
  return {
    aligner,
    face,
    cacheKey: {
      kind: 'face',
      version: ALIGN_VERSION,
      face,
      detector: digest(files.detector),
      landmarks: digest(files.landmarks),
      detectorSize: aligner.detectorSize,
      scoreThreshold: aligner.scoreThreshold,
      minFaceSize: aligner.minFaceSize,
    },
  };
}

export type AlignedPhoto = { image: RgbaImage; skipped?: undefined } | { image?: undefined; skipped: string };

/**
 * The photo's largest face warped so its eyes and mouth sit at `step.face` of a size×size square (at the aligner's
 * supersampling: resize it with the model's own preprocessing). Photos the aligner refuses (no face, face too
 * small) come back as `skipped` with the reason; any other failure is thrown.
 */
export async function alignFacePhoto(step: FaceAlignStep, photo: RgbaImage, size: number): Promise<AlignedPhoto> {
  try {
    const { image } = await step.aligner.align(photo, { width: size, height: size, face: step.face });
    return { image };
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    return { skipped: `${error.code}: ${error.message}` };
  }
}

import { z } from '@hono/zod-openapi';
import type { Alignment, FaceAligner } from '#core/align/aligner.ts';
import type { FaceBox } from '#core/align/detect.ts';
import type { RgbaImage } from '#core/image/decode.ts';
import { cropRegion, preprocessImage } from '#core/image/preprocess.ts';
import type { ManifestInput } from '#core/manifest.ts';
import { affineFromCrop, affineFromSimilarity, type Affine } from '#core/photo/affine.ts';

/** The face aligner, created on first use; undefined when this deployment ships no alignment models. */
export type AlignerProvider = () => Promise<FaceAligner | undefined>;

export const ALIGN_HEADER = 'X-Latentlab-Align';

export const alignQuery = {
  align: z
    .enum(['auto', 'none'])
    .default('auto')
    .openapi({
      description:
        'auto: for face models (manifest `input.face`), find the largest face and rotate/scale it so eyes and mouth sit where the training faces had them; the transform comes back in the X-Latentlab-Align header. none: the manifest crop only.',
    }),
};
export const AlignQuery = z.object(alignQuery);
export type AlignMode = z.infer<typeof AlignQuery>['align'];

type ReportBox = [number, number, number, number];

/**
 * What the header reports per image input: where the face was and how it was moved; `others` are the boxes
 * ([left, top, width, height], photo pixels, largest first) of the other faces found, which were not used.
 */
export type AlignReport =
  | { applied: true; faceCount: number; box: ReportBox; score: number; matrix: number[]; scale: number; rotationDegrees: number; others: ReportBox[] }
  | { applied: false; reason: string };

const round = (v: number, digits = 4) => Math.round(v * 10 ** digits) / 10 ** digits;

const reportBox = (box: FaceBox): ReportBox => [box.left, box.top, box.width, box.height].map((v) => round(v, 1)) as ReportBox;

function report(alignment: Alignment): AlignReport {
  const { box, transform, faceCount, others } = alignment;
  return {
    applied: true,
    faceCount,
    box: reportBox(box),
    score: round(box.score),
    matrix: transform.matrix.map((v) => round(v)),
    scale: round(transform.scale),
    rotationDegrees: round(transform.rotationDegrees, 2),
    others: others.map(reportBox),
  };
}

/** Where a face model's input came from in the photo: photo pixels → model-input pixels, and the landmarks if found. */
export interface FacePlacement {
  toModel: Affine;
  landmarks?: [number, number][];
}

export interface PreparedImage {
  pixels: Float32Array;
  report?: AlignReport;
  /** Face models only: what detail transfer and paste-back need (routes/photo-output.ts). */
  placement?: FacePlacement;
}

/**
 * Turns one decoded upload into the model's input tensor, aligning the face first when the mode and the
 * model ask for it. Alignment failures (no_face, face_too_small) propagate as 422 InputErrors.
 */
export async function prepareImage(image: RgbaImage, input: ManifestInput, mode: AlignMode, aligner: AlignerProvider | undefined): Promise<PreparedImage> {
  if (!input.face) return { pixels: preprocessImage(image, input) };
  const cropped = () => ({ toModel: affineFromCrop(cropRegion(input.preprocess.crop, image.width, image.height), input.width, input.height) });
  if (mode === 'none') return { pixels: preprocessImage(image, input), placement: cropped() };
  const faceAligner = await aligner?.();
  if (!faceAligner) {
    return { pixels: preprocessImage(image, input), report: { applied: false, reason: 'this server has no face alignment models' }, placement: cropped() };
  }
  const alignment = await faceAligner.align(image, { width: input.width, height: input.height, face: input.face });
  const aligned = { ...input, preprocess: { ...input.preprocess, crop: { kind: 'none' as const } } };
  const [a, , tx, b, , ty] = alignment.transform.matrix;
  return {
    pixels: preprocessImage(alignment.image, aligned),
    report: report(alignment),
    placement: { toModel: affineFromSimilarity({ a, b, tx, ty }), landmarks: alignment.landmarks },
  };
}

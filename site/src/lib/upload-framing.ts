import type { FaceAligner } from '#core/align/aligner.ts';
import type { FaceBox } from '#core/align/detect.ts';
import type { Point } from '#core/align/geometry.ts';
import type { RgbaImage } from '#core/image/decode.ts';
import { cropToBox, type Rect } from './box-geometry.ts';
import type { BrowserModel } from './browser-model.ts';
import type { CropState } from './crop-box.ts';
import { describeError } from './describe-error.ts';
import type { PickedImage } from './image-input.ts';
import { rectToCropRule } from './crop-box.ts';
import { alignedPhoto, type UploadedPhoto } from './photo-subject.ts';

/**
 * How an upload is framed for the model: a face the detector found (box as the user left it, aligned like the training
 * faces), or a square crop box (models without face alignment, or a photo where no usable face was found).
 */
export type Framing =
  | { kind: 'face'; aligner: FaceAligner; detected: FaceBox; faceCount: number; box: Rect; adjusted: boolean; landmarks?: Point[] }
  | { kind: 'crop'; box: Rect; note?: string };

export const HOW_TO_ADJUST = 'drag the box, resize it from its corner handle, or use the sliders';

/** The manual crop square the model's own crop rule suggests. */
export function defaultCrop(model: BrowserModel, image: RgbaImage): Rect {
  const rule = model.manifest.input.preprocess.crop;
  let state: CropState = { size: 1, centerX: 0.5, centerY: 0.5 };
  if (rule.kind === 'box') {
    const side = Math.min(rule.width * image.width, rule.height * image.height) / Math.min(image.width, image.height);
    state = { size: side, centerX: rule.left + rule.width / 2, centerY: rule.top + rule.height / 2 };
  }
  return cropToBox(state, 1, image);
}

/** "me.jpg (640×480)", saying so when the page works on a downscaled copy. */
export function describePhoto(picked: PickedImage): string {
  const { name, image, downscaledFrom } = picked;
  if (!downscaledFrom) return `${name} (${image.width}×${image.height})`;
  return `${name} (${downscaledFrom.width}×${downscaledFrom.height}, downscaled here to ${image.width}×${image.height})`;
}

/**
 * The largest face of the upload, or the crop box with a note saying why there is none; `stillCurrent` says whether the
 * upload is still the slot's (detection of an outdated one is skipped).
 */
export async function findFace(model: BrowserModel, picked: PickedImage, assets: URL, canAdjust: boolean, stillCurrent: () => boolean): Promise<Framing> {
  const { image, name } = picked;
  const byHand = canAdjust ? `frame the face by hand with the crop box: ${HOW_TO_ADJUST}` : "it is framed by the model's default crop";
  const manual = (note: string): Framing => ({ kind: 'crop', box: defaultCrop(model, image), note: `${note}: ${byHand}.` });
  let aligner: FaceAligner;
  let faces: FaceBox[];
  try {
    // Imported here so pages fetch the aligner's code and networks only once a face model gets an upload.
    const { openAligner } = await import('./browser-aligner.ts');
    aligner = await openAligner(assets, model.backend);
    faces = stillCurrent() ? await aligner.detect(image) : [];
  } catch (error) {
    return manual(`Face detection could not run here (${describeError(error)})`);
  }
  const [largest] = faces;
  if (!largest) return manual(`No face found in ${describePhoto(picked)}`);
  if (Math.min(largest.width, largest.height) < aligner.minFaceSize) {
    const size = `${Math.round(largest.width)}×${Math.round(largest.height)}`;
    return manual(`The face in ${name} is too small to align (${size} pixels; at least ${aligner.minFaceSize} are needed)`);
  }
  const box = { left: largest.left, top: largest.top, width: largest.width, height: largest.height };
  return { kind: 'face', aligner, detected: largest, faceCount: faces.length, box, adjusted: false };
}

export function describeFraming(framing: Framing, picked: PickedImage, canAdjust: boolean): string {
  const photo = describePhoto(picked);
  if (framing.kind === 'crop') return framing.note ?? `${photo}: the crop as uploaded, beside the model's reconstruction.`;
  if (framing.adjusted) {
    return `Face in ${photo} framed by your box: its eyes and mouth (dots) were found again inside it and aligned. "Reset to detected" restores the detector's box.`;
  }
  const found = framing.faceCount > 1 ? `${framing.faceCount} faces found in ${photo}; the largest is used` : `Face found in ${photo}`;
  const aligned = 'turned and scaled to the framing of the training faces';
  if (!canAdjust) return `${found}: ${aligned}.`;
  return `${found}: boxed, with its eyes and mouth marked by dots, then ${aligned}. To adjust, ${HOW_TO_ADJUST}.`;
}

export interface EncodedUpload {
  latent: Float32Array;
  /** The photo and where its face sits in the model's frame, for a found face (edits are pasted back into it). */
  photo?: UploadedPhoto;
  landmarks?: Point[];
}

/** Encodes an upload as framed: a found face aligned like the training faces inside its box, else the crop box as it is. */
export async function encodeFramed(model: BrowserModel, picked: PickedImage, framing: Framing): Promise<EncodedUpload> {
  const box = framing.box;
  if (framing.kind === 'crop') return { latent: await model.encode(picked.image, rectToCropRule(box, picked.image.width, picked.image.height)) };
  const { alignWithinBox } = await import('./browser-aligner.ts');
  const { width, height, face } = model.manifest.input;
  const detected = { ...box, score: framing.detected.score, rollDegrees: framing.detected.rollDegrees };
  const alignment = await alignWithinBox(framing.aligner, picked.image, detected, { width, height, face: face! }, framing.faceCount);
  const latent = await model.encode(alignment.image, { kind: 'none' });
  return { latent, photo: alignedPhoto(picked, alignment, model.manifest.input), landmarks: alignment.landmarks };
}

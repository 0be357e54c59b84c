import type { Alignment } from '#core/align/aligner.ts';
import type { RgbaImage } from '#core/image/decode.ts';
import type { ManifestInput } from '#core/manifest.ts';
import { affineFromSimilarity } from '#core/photo/affine.ts';
import { editedPhotos, faceSource, keepMorphFrames, type FaceSource } from '#core/photo/detail.ts';
import type { BrowserModel } from './browser-model.ts';
import type { PickedImage } from './image-input.ts';

/**
 * What an image input holds, as edits need it: its code, the decoder's output for that code (the base of detail
 * transfer, decoded once per input rather than on every slider move) and, for an uploaded face that was found and
 * aligned, the photo. Edits of a subject with a photo are shown as the whole photo (the API's detail=keep&output=photo
 * default for aligned uploads); samples, latents and hand-cropped uploads show the decoder's face.
 */
export interface Subject {
  latent: Float32Array;
  decoded: Float32Array;
  photo?: UploadedPhoto;
}

export interface UploadedPhoto {
  source: FaceSource;
  /** The upload's file name, for downloads and the API call. */
  name: string;
}

/** Face morph frames of two photos come back at this size, as from the API (KEEP_MORPH_SIZE in edge/routes/photo-output.ts). */
export const SHARP_MORPH_SIDE = 256;

/** The photo and where the aligner put its face in the model's frame (the API's prepareImage does the same). */
export function alignedPhoto(picked: PickedImage, alignment: Alignment, input: ManifestInput): UploadedPhoto {
  const [a, , tx, b, , ty] = alignment.transform.matrix;
  const source = faceSource(picked.image, picked.format, affineFromSimilarity({ a, b, tx, ty }), input, alignment.landmarks);
  return { source, name: picked.name };
}

/** A subject for `latent`, decoding it once. */
export async function subjectOf(model: BrowserModel, latent: Float32Array, photo?: UploadedPhoto): Promise<Subject> {
  const [decoded] = await model.decodeOutputs([latent]);
  return { latent, decoded, photo };
}

/** The whole photo at its own resolution with one edit's change, Dec(z′) − Dec(z), laid over its face. */
export function editPhoto(photo: UploadedPhoto, baseDecoded: Float32Array, editDecoded: Float32Array, model: BrowserModel): RgbaImage {
  return editedPhotos(photo.source, baseDecoded, [editDecoded], model.imageShape, 'keep')[0];
}

/**
 * Morph frames at parameters `ts`: both photos' own faces blended through the decoded path when both subjects are
 * aligned photos (the API's detail=keep default), else the decoder's frames. One decoder run for all frames.
 */
export async function morphImages(model: BrowserModel, a: Subject, b: Subject, frames: { t: number; latent: Float32Array }[]): Promise<{ images: RgbaImage[]; sharp: boolean }> {
  const decoded = await model.decodeOutputs(frames.map((f) => f.latent));
  if (!a.photo || !b.photo) return { images: decoded.map((d) => model.toImage(d)), sharp: false };
  const shape = model.imageShape;
  const scale = SHARP_MORPH_SIDE / Math.max(shape[1], shape[2]);
  const size = { width: Math.round(shape[2] * scale), height: Math.round(shape[1] * scale) };
  const steps = frames.map((f, k) => ({ t: f.t, decoded: decoded[k] }));
  const images = keepMorphFrames({ source: a.photo.source, decoded: a.decoded }, { source: b.photo.source, decoded: b.decoded }, steps, shape, size);
  return { images, sharp: true };
}

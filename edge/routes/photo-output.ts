import type { Context } from 'hono';
import { InputError } from '#core/errors.ts';
import type { JpegEncoder } from '#core/image/jpeg-codec.ts';
import type { Latent } from '#core/latent.ts';
import { editedPhotos, keepCropSize, keepFaces, keepMorphFrames, sizeAtLongerSide, type DetailMode, type FaceSource, type OutputMode } from '#core/photo/detail.ts';
import type { ModelRuntime } from '#core/runtime.ts';
import { LIMITS } from '../schemas.ts';
import { checkOutputPixels, imagesResponse, latentsResponse, modelHeader, renderLatents, type ImageFormat, type RenderOptions } from './rendering.ts';

/** One input of an operation as the renderers need it: its code and, for an uploaded photo, where its face lies. */
export interface Subject {
  name: string;
  latent: Latent;
  source?: FaceSource;
  /** The face was found and aligned (align=auto); an unaligned crop is kept only when asked for. */
  aligned: boolean;
}

export interface PhotoChoice {
  detail: DetailMode;
  output: OutputMode;
}

export interface PhotoQuery {
  detail?: DetailMode;
  output?: OutputMode;
  size?: number;
  format?: ImageFormat | 'json';
}

export const OUTPUT_HEADER = 'X-Latentlab-Output';
/** Face crops of a detail=keep morph when no size is asked for: large enough to see, 32 frames within the pixel limit. */
export const KEEP_MORPH_SIZE = 256;

/**
 * Resolves detail and output from the query and the defaults (edits of an aligned photo keep its detail and come
 * back as the photo; reconstruct shows the autoencoder), refusing combinations that cannot work with a 422 saying why.
 */
export function choosePhotoOutput(query: PhotoQuery, subject: Subject, defaultToPhoto: boolean, faceModel: boolean): PhotoChoice {
  const wantsPhotoWork = query.detail === 'keep' || query.output === 'photo';
  if (wantsPhotoWork && !faceModel) {
    throw new InputError(422, 'detail_unsupported', 'detail=keep and output=photo are for face models (manifest input.face); this model takes neither');
  }
  if (wantsPhotoWork && !subject.source) {
    throw new InputError(422, 'detail_needs_photo', `detail=keep and output=photo need an uploaded photo as "${subject.name}": a latent has no photo to keep detail from or paste into`);
  }
  const photoDefault = defaultToPhoto && faceModel && subject.aligned;
  const choice: PhotoChoice = { detail: query.detail ?? (photoDefault ? 'keep' : 'none'), output: query.output ?? (photoDefault ? 'photo' : 'face') };
  if (choice.output === 'photo' && query.size !== undefined) {
    throw new InputError(422, 'size_with_photo', 'output=photo returns the photo at its own width and height; drop size, or ask for output=face');
  }
  return choice;
}

/** The upload's own format for a photo (JPEG in, JPEG out; GIF in, PNG out), png otherwise, unless the query names one. */
function outputFormat(query: PhotoQuery, choice: PhotoChoice, subject: Subject, jpegEncoder?: JpegEncoder): ImageFormat {
  if (query.format && query.format !== 'json') return query.format;
  return choice.output === 'photo' && subject.source?.format === 'jpeg' && jpegEncoder ? 'jpeg' : 'png';
}

/**
 * Answers an edit of `subject` (attributes, analogy, reconstruct): each of `edited` rendered as the decoder's face,
 * the photo's own face plus the change (detail=keep), or the whole photo with the face edited (output=photo).
 */
export async function renderEdits(c: Context, runtime: ModelRuntime, subject: Subject, edited: Latent[], query: PhotoQuery & Omit<RenderOptions, 'format'>, choice: PhotoChoice, jpegEncoder?: JpegEncoder) {
  modelHeader(c, runtime);
  c.header(OUTPUT_HEADER, `detail=${choice.detail}; output=${choice.output}`);
  if (query.format === 'json') return latentsResponse(c, runtime, edited);
  const format = outputFormat(query, choice, subject, jpegEncoder);
  if (choice.detail === 'none' && choice.output === 'face') return renderLatents(c, runtime, edited, { ...query, format }, jpegEncoder);
  const source = subject.source!;
  const shape = runtime.imageShape;
  const size = choice.output === 'photo' ? source.photo : keepCropSize(source, shape, query.size);
  checkOutputPixels(edited.length, size.width, size.height, choice.output === 'photo' ? 'whole photos' : 'face crops');
  const [base, ...edits] = await runtime.decode([subject.latent, ...edited]);
  const images = choice.output === 'photo' ? editedPhotos(source, base, edits, shape, choice.detail) : keepFaces(source, base, edits, shape, size);
  return imagesResponse(c, images, format, query.delay ?? LIMITS.delayMs.default, jpegEncoder, source.iccProfile);
}

/** Whether a morph keeps detail: asked for, or by default when both ends are photos aligned on a face model. */
export function chooseMorphDetail(detail: DetailMode | undefined, ends: readonly Subject[], faceModel: boolean): DetailMode {
  if (detail === 'keep' && !faceModel) throw new InputError(422, 'detail_unsupported', 'detail=keep is for face models (manifest input.face); this model has none');
  if (detail === 'keep' && !ends.some((end) => end.source)) {
    throw new InputError(422, 'detail_needs_photo', 'detail=keep needs at least one uploaded photo as "a" or "b": latents have no photo detail to keep');
  }
  return detail ?? (faceModel && ends.every((end) => end.aligned) ? 'keep' : 'none');
}

/** A morph's frames mix both photos' pixels: they keep a profile only when both ends have the same one (or one end is a latent). */
function sharedProfile(ends: readonly Subject[]): Uint8Array | undefined {
  const [a, b] = ends.map((end) => end.source?.iccProfile);
  if (!a || !b) return ends.every((end) => end.source) ? undefined : (a ?? b);
  return a.length === b.length && a.every((v, i) => v === b[i]) ? a : undefined;
}

/** Morph frames: the decoder's (detail=none), or both photos' own faces blended through the decoded path (keep). */
export async function renderMorph(c: Context, runtime: ModelRuntime, ends: [Subject, Subject], frames: Latent[], query: RenderOptions, detail: DetailMode, jpegEncoder?: JpegEncoder) {
  c.header(OUTPUT_HEADER, `detail=${detail}; output=face`);
  if (detail === 'none' || query.format === 'json') return renderLatents(c, runtime, frames, query, jpegEncoder);
  modelHeader(c, runtime);
  const shape = runtime.imageShape;
  const side = query.size ?? KEEP_MORPH_SIZE;
  const size = sizeAtLongerSide(shape, side);
  checkOutputPixels(frames.length, size.width, size.height, `face crops of size ${side}`);
  const [decodedA, decodedB, ...decoded] = await runtime.decode([ends[0].latent, ends[1].latent, ...frames]);
  const steps = decoded.map((d, k) => ({ t: frames.length === 1 ? 0 : k / (frames.length - 1), decoded: d }));
  const images = keepMorphFrames({ source: ends[0].source, decoded: decodedA }, { source: ends[1].source, decoded: decodedB }, steps, shape, size);
  return imagesResponse(c, images, query.format, query.delay ?? LIMITS.delayMs.default, jpegEncoder, sharedProfile(ends));
}

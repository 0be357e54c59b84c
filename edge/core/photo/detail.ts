import type { Point } from '../align/geometry.ts';
import type { RgbaImage } from '../image/decode.ts';
import type { ImageFormat } from '../image/sniff.ts';
import type { ManifestInput } from '../manifest.ts';
import { applyAffine, type Affine } from './affine.ts';
import { faceCrop, nativeCropSize, pasteIntoPhoto, renderCrop } from './compose.ts';
import { combineDecoded } from './field.ts';
import { anchorOutline, faceMask, landmarkOutline, type FaceMask } from './mask.ts';

/**
 * Detail transfer (as in deep feature interpolation and high-fidelity GAN inversion): the autoencoder decides what
 * an edit changes, Dec(z′) − Dec(z), and that change is laid over the photo's own face, so every detail the 64×64 code
 * cannot hold (skin, hair strands, the photo's resolution) comes back. These functions take decoder outputs and do
 * no inference, so Node, Workers and the browser compose the same pixels.
 */
export type DetailMode = 'keep' | 'none';
export type OutputMode = 'face' | 'photo';

/** One uploaded photo and where its face lies in the model's frame. */
export interface FaceSource {
  /** The upload as a viewer shows it (EXIF orientation applied). */
  photo: RgbaImage;
  format: ImageFormat;
  /** Photo pixels → model-input pixels. */
  toModel: Affine;
  /** The face's outline in model-input pixels, from which output=photo builds its paste mask. */
  outline: Point[];
  /** The upload's embedded ICC profile (#core/image/icc.ts): the answer's pixels are in its colour space too. */
  iccProfile?: Uint8Array;
}

type Shape = readonly [number, number, number];
type Size = { width: number; height: number };

/** `landmarks` (68 iBUG points, photo pixels) shape the paste mask; without them it is an ellipse around the manifest's face anchors. */
export function faceSource(photo: RgbaImage, format: ImageFormat, toModel: Affine, input: ManifestInput, landmarks?: readonly Point[], iccProfile?: Uint8Array): FaceSource {
  const outline = landmarks?.length === 68 ? landmarkOutline(landmarks.map((p) => applyAffine(toModel, p))) : anchorOutline(input);
  return { photo, format, toModel, outline, iccProfile };
}

const modelSize = (shape: Shape): Size => ({ width: shape[2], height: shape[1] });

/**
 * Each source's paste mask and face crop, built once: the site lays a new edit or morph frame over the same photo on
 * every slider move (a 256-pixel crop of a large face takes about 30 ms, a mask a few, a paste about 7). A
 * FaceSource is never changed after faceSource() makes it, so its object identity is the key.
 */
const pasteMasks = new WeakMap<FaceSource, FaceMask>();
const faceCrops = new WeakMap<FaceSource, RgbaImage>();

function sourceCrop(source: FaceSource, shape: Shape, size: Size): RgbaImage {
  const cached = faceCrops.get(source);
  if (cached && cached.width === size.width && cached.height === size.height) return cached;
  const crop = faceCrop(source.photo, source.toModel, modelSize(shape), size);
  faceCrops.set(source, crop);
  return crop;
}

function pasteMask(source: FaceSource, shape: Shape): FaceMask {
  const cached = pasteMasks.get(source);
  if (cached && cached.width === shape[2] * cached.scale && cached.height === shape[1] * cached.scale) return cached;
  const mask = faceMask(shape[2], shape[1], source.outline);
  pasteMasks.set(source, mask);
  return mask;
}

/** The size detail=keep face crops come back at: the face's own size in the photo, capped (MAX_FACE_CROP_SIDE). */
export function keepCropSize(source: FaceSource, shape: Shape, longerSide?: number): Size {
  return longerSide ? sizeAtLongerSide(shape, longerSide) : nativeCropSize(source.toModel, shape[2], shape[1]);
}

/** The model frame's proportions with its longer side `longerSide` pixels long. */
export function sizeAtLongerSide(shape: Shape, longerSide: number): Size {
  const { width, height } = modelSize(shape);
  const scale = longerSide / Math.max(width, height);
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

/** detail=keep, output=face: the photo's aligned face at `size` plus each edit's change. */
export function keepFaces(source: FaceSource, base: Float32Array, edits: readonly Float32Array[], shape: Shape, size: Size): RgbaImage[] {
  const crop = sourceCrop(source, shape, size);
  return edits.map((edit) => renderCrop([{ image: crop, weight: 1 }], combineDecoded([{ decoded: edit, weight: 1 }, { decoded: base, weight: -1 }], shape), size));
}

/** output=photo: the whole upload with each edit laid over its face (keep: the change; none: the decoder's face). */
export function editedPhotos(source: FaceSource, base: Float32Array, edits: readonly Float32Array[], shape: Shape, detail: DetailMode): RgbaImage[] {
  const mask = pasteMask(source, shape);
  return edits.map((edit) => {
    if (detail === 'none') return pasteIntoPhoto(source.photo, source.toModel, combineDecoded([{ decoded: edit, weight: 1 }], shape), mask, 'blend');
    const change = combineDecoded([{ decoded: edit, weight: 1 }, { decoded: base, weight: -1 }], shape);
    return pasteIntoPhoto(source.photo, source.toModel, change, mask, 'add');
  });
}

export interface MorphEnd {
  /** Absent for a latent input: that end has no photo detail to keep. */
  source?: FaceSource;
  decoded: Float32Array;
}

/**
 * frame(t) = Dec(z_t) + (1−t)·(A − Dec(z_A)) + t·(B − Dec(z_B)) at `size`: the end frames are the photos' own faces
 * exactly, and each photo's detail fades with its share of the mix.
 */
export function keepMorphFrames(a: MorphEnd, b: MorphEnd, frames: readonly { t: number; decoded: Float32Array }[], shape: Shape, size: Size): RgbaImage[] {
  const crop = (end: MorphEnd) => end.source && sourceCrop(end.source, shape, size);
  const cropA = crop(a);
  const cropB = crop(b);
  return frames.map(({ t, decoded }) => {
    const crops = [];
    const terms = [{ decoded, weight: 1 }];
    if (cropA) {
      crops.push({ image: cropA, weight: 1 - t });
      terms.push({ decoded: a.decoded, weight: -(1 - t) });
    }
    if (cropB) {
      crops.push({ image: cropB, weight: t });
      terms.push({ decoded: b.decoded, weight: -t });
    }
    return renderCrop(crops, combineDecoded(terms, shape), size);
  });
}

import type { InferenceSession } from 'onnxruntime-common';
import { InputError } from '../errors.ts';
import type { RgbaImage } from '../image/decode.ts';
import type { ManifestInput } from '../manifest.ts';
import type { InferenceBackend } from '../runtime.ts';
import { DETECTOR_IOU_THRESHOLD, DETECTOR_STRIDE, LANDMARKS_INPUT_SIZE } from './constants.ts';
import { decodeGrid, nonMaxSuppression, type FaceBox } from './detect.ts';
import { fitSimilarity, invertSimilarity, similarityRotationDegrees, similarityScale, type Point, type Similarity } from './geometry.ts';
import { faceAnchors } from './landmarks.ts';
import { warpToPlanes, warpToRgba } from './warp.ts';

export interface AlignModelFiles {
  detector: Uint8Array;
  landmarks: Uint8Array;
}

export interface AlignerOptions {
  /** Side of the detector's square input; a multiple of 32 (default 320; face-api's own default is 416). */
  detectorSize?: number;
  scoreThreshold?: number;
  /** Faces whose box is narrower or shorter than this many photo pixels are refused as too small. */
  minFaceSize?: number;
  sessionOptions?: InferenceSession.SessionOptions;
}

/** Where a face model's training faces had their eyes and mouth, and the size of its input. */
export type AlignTarget = Pick<ManifestInput, 'width' | 'height'> & { face: NonNullable<ManifestInput['face']> };

export interface AlignTransform {
  /** Photo pixels → model-input pixels: [a, −b, tx, b, a, ty] row-major 2×3. */
  matrix: [number, number, number, number, number, number];
  scale: number;
  rotationDegrees: number;
}

export interface Alignment {
  faceCount: number;
  box: FaceBox;
  landmarks: [number, number][];
  transform: AlignTransform;
  /** The aligned face, framed like the training faces, at `supersample` × the model's input size. */
  image: RgbaImage;
  supersample: number;
}

const MAX_SUPERSAMPLE = 4;
/** 320 rather than face-api's 416 halves the detector's cost; faces big enough to align (≥ 32 px) are still found. */
export const DEFAULT_DETECTOR_SIZE = 320;
/**
 * Share of the detector input a photo's longer side takes on the second look. Measured on aligned CelebA faces
 * 8001–8300 (89×109, face about half the photo): found at full letterbox 251/300, at 0.8 195, 0.65 254, 0.5 273,
 * 0.4 296, 0.3 277; full letterbox then 0.4 finds 296.
 */
const TIGHT_CROP_FILL = 0.4;

/**
 * Finds, measures and aligns faces with the two face-api networks rebuilt as ONNX (models/align).
 * Runs on whichever onnxruntime flavour is injected, one run at a time per aligner (onnxruntime-web's rule).
 */
export class FaceAligner {
  private detectorSession?: Promise<InferenceSession>;
  private landmarkSession?: Promise<InferenceSession>;
  private queue: Promise<unknown> = Promise.resolve();
  readonly detectorSize: number;
  readonly scoreThreshold: number;
  readonly minFaceSize: number;

  constructor(
    private readonly backend: InferenceBackend,
    private readonly files: AlignModelFiles,
    private readonly options: AlignerOptions = {},
  ) {
    this.detectorSize = options.detectorSize ?? DEFAULT_DETECTOR_SIZE;
    this.scoreThreshold = options.scoreThreshold ?? 0.5;
    this.minFaceSize = options.minFaceSize ?? 32;
    if (!Number.isInteger(this.detectorSize) || this.detectorSize % DETECTOR_STRIDE !== 0 || this.detectorSize < 64 || this.detectorSize > 1024) {
      throw new Error(`detectorSize ${this.detectorSize} must be a multiple of ${DETECTOR_STRIDE} from 64 to 1024`);
    }
    if (!(this.scoreThreshold > 0 && this.scoreThreshold < 1)) throw new Error(`scoreThreshold ${this.scoreThreshold} must lie in (0, 1)`);
    if (!(this.minFaceSize >= 1)) throw new Error(`minFaceSize ${this.minFaceSize} must be at least 1`);
  }

  private session(which: 'detector' | 'landmarks'): Promise<InferenceSession> {
    const key = which === 'detector' ? 'detectorSession' : 'landmarkSession';
    const create = () => {
      const promise = this.backend.InferenceSession.create(this.files[which], this.options.sessionOptions);
      promise.catch(() => (this[key] = undefined));
      return promise;
    };
    return (this[key] ??= create());
  }

  async warm(): Promise<void> {
    await Promise.all([this.session('detector'), this.session('landmarks')]);
  }

  private async run(which: 'detector' | 'landmarks', planes: Float32Array, size: number): Promise<{ data: Float32Array; dims: readonly number[] }> {
    const session = await this.session(which);
    const task = this.queue.then(async () => {
      const feeds = { [session.inputNames[0]]: new this.backend.Tensor('float32', planes, [1, 3, size, size]) };
      const output = (await session.run(feeds))[session.outputNames[0]];
      const result = { data: (output.data as Float32Array).slice(), dims: [...output.dims] };
      output.dispose?.();
      return result;
    });
    this.queue = task.catch(() => undefined);
    return task;
  }

  /**
   * Every face the detector finds, in photo pixels, clipped to the photo, largest first. A photo where the first look
   * finds nothing gets a second look shrunk to TIGHT_CROP_FILL of the input: tight face crops (an already aligned
   * face, a passport photo) fill the letterbox with a face larger than the detector finds reliably.
   */
  async detect(image: RgbaImage): Promise<FaceBox[]> {
    const faces = await this.detectAtFill(image, 1);
    return faces.length ? faces : this.detectAtFill(image, TIGHT_CROP_FILL);
  }

  /** One detector run with the photo's longer side scaled to `fill` of the input (1: face-api's letterbox, top left). */
  private async detectAtFill(image: RgbaImage, fill: number): Promise<FaceBox[]> {
    const size = this.detectorSize;
    // face-api letterboxes: the photo scaled to fit the square, black padding at the right and bottom; a smaller
    // fill centres the photo with black all round.
    const side = Math.max(image.width, image.height) / fill;
    const offsetX = fill === 1 ? 0 : (side - image.width) / 2;
    const offsetY = fill === 1 ? 0 : (side - image.height) / 2;
    const toPhoto = side / size;
    const planes = warpToPlanes(image, { outputToSource: { a: toPhoto, b: 0, tx: -offsetX, ty: -offsetY }, width: size, height: size, outside: 'zero' });
    const { data, dims } = await this.run('detector', planes, size);
    const boxes = nonMaxSuppression(decodeGrid(data, dims[2], dims[3], size, this.scoreThreshold), DETECTOR_IOU_THRESHOLD);
    return boxes
      .map((b) =>
        clipBox({ left: b.left * toPhoto - offsetX, top: b.top * toPhoto - offsetY, width: b.width * toPhoto, height: b.height * toPhoto, score: b.score }, image),
      )
      .filter((b) => b.width > 0 && b.height > 0)
      .sort((p, q) => q.width * q.height - p.width * p.height);
  }

  /** The 68 landmarks of the face in `box`, in photo pixels. */
  async landmarks(image: RgbaImage, box: FaceBox): Promise<[number, number][]> {
    const size = LANDMARKS_INPUT_SIZE;
    // The network expects face-api's crop exactly: the box floored to whole pixels, padded with black to a
    // centred square, resized to 112×112 with TensorFlow's corner-aligned bilinear rule (src = dst · scale).
    const crop = { left: Math.floor(box.left), top: Math.floor(box.top), width: Math.floor(box.width), height: Math.floor(box.height) };
    if (crop.width < 1 || crop.height < 1) throw new Error('face box is smaller than one pixel');
    const side = Math.max(crop.width, crop.height);
    const diff = Math.abs(crop.width - crop.height);
    const before = diff - Math.round(diff / 2);
    const squareLeft = crop.left - (crop.width < crop.height ? before : 0);
    const squareTop = crop.top - (crop.height < crop.width ? before : 0);
    const scale = side / size;
    const planes = warpToPlanes(image, {
      outputToSource: { a: scale, b: 0, tx: squareLeft + 0.5 - 0.5 * scale, ty: squareTop + 0.5 - 0.5 * scale },
      width: size,
      height: size,
      outside: 'zero',
      valid: crop,
    });
    const { data } = await this.run('landmarks', planes, size);
    if (data.length !== 136) throw new Error(`landmark network returned ${data.length} values, expected 136`);
    // face-api's postProcess: undo half the padding, then shift by the (unfloored) box corner.
    const padX = crop.width < crop.height ? diff / 2 : 0;
    const padY = crop.height < crop.width ? diff / 2 : 0;
    return Array.from({ length: 68 }, (_, i) => [box.left + data[2 * i] * side - padX, box.top + data[2 * i + 1] * side - padY]);
  }

  /**
   * Detects the largest face, finds its landmarks and warps the photo so its eyes and mouth land where
   * `target.face` says the training faces had them. Throws InputError 422 no_face / face_too_small.
   */
  async align(image: RgbaImage, target: AlignTarget): Promise<Alignment> {
    const faces = await this.detect(image);
    if (!faces.length) {
      throw new InputError(422, 'no_face', 'no face was found in the image; send a photo with a visible face, crop it by hand, or pass align=none');
    }
    this.requireFaceSize(faces[0], 'the largest face', 'send a larger or closer photo');
    return this.alignFace(image, faces[0], target, faces.length);
  }

  /** Throws InputError 422 face_too_small for a box narrower or shorter than minFaceSize; `what` names the box. */
  requireFaceSize(box: FaceBox, what: string, advice?: string): void {
    if (Math.min(box.width, box.height) >= this.minFaceSize) return;
    const size = `${Math.round(box.width)}×${Math.round(box.height)}`;
    const message = `${what} is ${size} pixels; at least ${this.minFaceSize} pixels are needed${advice ? `, ${advice}` : ''}`;
    throw new InputError(422, 'face_too_small', message, { box, minFaceSize: this.minFaceSize });
  }

  /**
   * The step align() and alignWithinBox share: the landmarks of the face in `box` (already inside the photo and large
   * enough), then the photo warped so the eyes and mouth land where `target.face` has them.
   */
  async alignFace(image: RgbaImage, box: FaceBox, target: AlignTarget, faceCount: number): Promise<Alignment> {
    const landmarks = await this.landmarks(image, box);
    const photoToModel = alignmentTransform(landmarks, target);
    // Enough output pixels that the model's own area resize, not this bilinear warp, does the downscaling.
    const supersample = Math.min(MAX_SUPERSAMPLE, Math.max(1, Math.ceil(1 / similarityScale(photoToModel))));
    const modelToPhoto = invertSimilarity(photoToModel);
    const outputToSource: Similarity = {
      a: modelToPhoto.a / supersample,
      b: modelToPhoto.b / supersample,
      tx: modelToPhoto.tx,
      ty: modelToPhoto.ty,
    };
    const aligned = warpToRgba(image, { outputToSource, width: target.width * supersample, height: target.height * supersample, outside: 'clamp' });
    const { a, b, tx, ty } = photoToModel;
    return {
      faceCount,
      box,
      landmarks,
      transform: { matrix: [a, -b, tx, b, a, ty], scale: similarityScale(photoToModel), rotationDegrees: similarityRotationDegrees(photoToModel) },
      image: aligned,
      supersample,
    };
  }
}

/** The least-squares similarity taking the photo's eye and mouth centres to the target's, in model-input pixels. */
export function alignmentTransform(landmarks: readonly Point[], target: AlignTarget): Similarity {
  const anchors = faceAnchors(landmarks);
  const { face, width, height } = target;
  const toPixels = (p: readonly [number, number]): Point => [p[0] * width, p[1] * height];
  return fitSimilarity([anchors.leftEye, anchors.rightEye, anchors.mouth], [toPixels(face.leftEye), toPixels(face.rightEye), toPixels(face.mouth)]);
}

/** The part of `box` inside the photo; a box wholly outside comes back with a zero or negative width or height. */
export function clipBox(box: FaceBox, image: Pick<RgbaImage, 'width' | 'height'>): FaceBox {
  const left = Math.max(0, box.left);
  const top = Math.max(0, box.top);
  const right = Math.min(image.width, box.left + box.width);
  const bottom = Math.min(image.height, box.top + box.height);
  return { left, top, width: right - left, height: bottom - top, score: box.score };
}

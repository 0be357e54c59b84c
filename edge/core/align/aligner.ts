import type { InferenceSession } from 'onnxruntime-common';
import { InputError } from '../errors.ts';
import type { RgbaImage } from '../image/decode.ts';
import type { ManifestInput } from '../manifest.ts';
import type { InferenceBackend } from '../runtime.ts';
import { once } from '../once.ts';
import { DETECTOR_INPUT_SIZE, DETECTOR_IOU_THRESHOLD, LANDMARKS_INPUT_SIZE } from './constants.ts';
import { detectorView, faceBoxInPhoto, LANDMARK_CROP, landmarkView, type LandmarkCrop } from './crops.ts';
import { decodeDetections, weightedNonMaxSuppression, type FaceBox } from './detect.ts';
import { applySimilarity, fitSimilarity, invertSimilarity, similarityRotationDegrees, similarityScale, type Point, type Similarity } from './geometry.ts';
import { faceAnchors } from './landmarks.ts';
import { warpToPlanes, warpToRgba } from './warp.ts';

export interface AlignModelFiles {
  detector: Uint8Array;
  landmarks: Uint8Array;
}

export interface AlignerOptions {
  /** Detections scoring at or below this (0–1) are dropped (default 0.5). */
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
  /** The boxes of the other faces found, largest first (empty when one face was found or the box was given). */
  others: FaceBox[];
}

const MAX_SUPERSAMPLE = 4;

/**
 * Turned copies of the photo the detector looks at, in order, when the upright photo shows no face: BlazeFace finds
 * faces rolled by up to about ±45°, so steps of 45° cover every roll.
 */
const TURNED_LOOKS = [45, -45, 90, -90, 135, -135, 180];
/**
 * An upright look whose best face scores this much is taken without turned looks. BlazeFace also "finds" a face
 * turned by 90–180° in the upright photo, with a lower score and keypoints laid out as if it were upright (so a wrong
 * roll); the turned look that shows it upright scores higher (0.94 against 0.57 for CelebA face 1 turned by 180°).
 */
const CONFIDENT_UPRIGHT_SCORE = 0.75;
/**
 * The least score a face found only in a turned look needs. A textured scene, turned seven ways, offers more chances
 * for a false face (the test scene's reached 0.60); real faces score 0.66 and more (CelebA 8001–8300, crops and composed photos).
 */
const TURNED_LOOK_MIN_SCORE = 0.7;
/**
 * A turned look replaces the upright one only when it scores this much higher and shows its face upright (roll within
 * ±45° in the turned view): turned looks also "find" upright faces, with keypoints laid out upside down (composed
 * photos of CelebA 8332 and 8492: 0.72–0.75 in the 135° look against 0.56–0.72 upright).
 */
const TURNED_LOOK_MARGIN = 0.15;
const TURNED_LOOK_MAX_ROLL = 45;
/**
 * Within a look, faces scoring this much below the best are dropped: beside a clear face they are mostly texture
 * (composed photo of CelebA 8527: a 0.51 "face" larger than the real 0.93 one would have been taken as the largest).
 */
const SCORE_SPREAD = 0.3;

/**
 * Finds, measures and aligns faces with MediaPipe's BlazeFace and face-api's 68-point landmark net, both rebuilt as
 * ONNX (models/align). Runs on whichever onnxruntime flavour is injected, one run at a time per aligner
 * (onnxruntime-web's rule).
 */
export class FaceAligner {
  private readonly sessions = {
    detector: once(() => this.backend.InferenceSession.create(this.files.detector, this.options.sessionOptions)),
    landmarks: once(() => this.backend.InferenceSession.create(this.files.landmarks, this.options.sessionOptions)),
  };
  private queue: Promise<unknown> = Promise.resolve();
  /** Side of the detector's square input (fixed by the network). */
  readonly detectorSize = DETECTOR_INPUT_SIZE;
  readonly scoreThreshold: number;
  readonly minFaceSize: number;

  constructor(
    private readonly backend: InferenceBackend,
    private readonly files: AlignModelFiles,
    private readonly options: AlignerOptions = {},
  ) {
    this.scoreThreshold = options.scoreThreshold ?? 0.5;
    this.minFaceSize = options.minFaceSize ?? 32;
    if (!(this.scoreThreshold > 0 && this.scoreThreshold < 1)) throw new Error(`scoreThreshold ${this.scoreThreshold} must lie in (0, 1)`);
    if (!(this.minFaceSize >= 1)) throw new Error(`minFaceSize ${this.minFaceSize} must be at least 1`);
  }

  private session(which: 'detector' | 'landmarks'): Promise<InferenceSession> {
    return this.sessions[which]();
  }

  async warm(): Promise<void> {
    await Promise.all([this.session('detector'), this.session('landmarks')]);
  }

  private async run(which: 'detector' | 'landmarks', planes: Float32Array, size: number): Promise<Float32Array> {
    const session = await this.session(which);
    const task = this.queue.then(async () => {
      const feeds = { [session.inputNames[0]]: new this.backend.Tensor('float32', planes, [1, 3, size, size]) };
      const output = (await session.run(feeds))[session.outputNames[0]];
      const data = (output.data as Float32Array).slice();
      output.dispose?.();
      return data;
    });
    this.queue = task.catch(() => undefined);
    return task;
  }

  /**
   * Every face the detector finds, in photo pixels, clipped to the photo, largest first, each with its roll. Unless the
   * upright photo shows a face with a confident score, turned copies of the photo are looked at too (TURNED_LOOKS), and
   * the look whose best face scores highest is taken, its boxes mapped back to the photo.
   */
  async detect(image: RgbaImage): Promise<FaceBox[]> {
    let best = await this.detectInView(image, 0, this.scoreThreshold);
    if (topScore(best) >= CONFIDENT_UPRIGHT_SCORE) return best;
    for (const rotationDegrees of TURNED_LOOKS) {
      const faces = await this.detectInView(image, rotationDegrees, Math.max(this.scoreThreshold, TURNED_LOOK_MIN_SCORE));
      const top = faces.find((f) => f.score === topScore(faces));
      const upright = top && Math.abs(angleBetween(top.rollDegrees ?? 0, rotationDegrees)) <= TURNED_LOOK_MAX_ROLL;
      if (upright && topScore(faces) > topScore(best) + (best.length ? TURNED_LOOK_MARGIN : 0)) best = faces;
    }
    return best;
  }

  private async detectInView(image: RgbaImage, rotationDegrees: number, scoreThreshold: number): Promise<FaceBox[]> {
    const size = DETECTOR_INPUT_SIZE;
    const view = detectorView(image, rotationDegrees);
    const planes = warpToPlanes(image, { outputToSource: view, width: size, height: size, outside: 'zero' });
    const detections = weightedNonMaxSuppression(decodeDetections(await this.run('detector', planes, size), size, scoreThreshold), DETECTOR_IOU_THRESHOLD);
    const floor = topScore(detections) - SCORE_SPREAD;
    return detections
      .filter((d) => d.score >= floor)
      .map((d) => clipBox(faceBoxInPhoto(d, view), image))
      .filter((b) => b.width > 0 && b.height > 0)
      .sort((p, q) => q.width * q.height - p.width * p.height);
  }

  /**
   * The 68 landmarks of the face in `box`, in photo pixels; the crop (framed by `crop`, default the fitted framing) is
   * turned by the box's roll so the face is upright.
   */
  async landmarks(image: RgbaImage, box: FaceBox, crop: LandmarkCrop = LANDMARK_CROP): Promise<[number, number][]> {
    if (!(Math.min(box.width, box.height) >= 1)) throw new Error('face box is smaller than one pixel');
    const size = LANDMARKS_INPUT_SIZE;
    const view = landmarkView(box, crop);
    const planes = warpToPlanes(image, { outputToSource: view, width: size, height: size, outside: 'zero' });
    const data = await this.run('landmarks', planes, size);
    if (data.length !== 136) throw new Error(`landmark network returned ${data.length} values, expected 136`);
    return Array.from({ length: 68 }, (_, i) => applySimilarity(view, [data[2 * i] * size, data[2 * i + 1] * size]));
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
    return { ...(await this.alignFace(image, faces[0], target, faces.length)), others: faces.slice(1) };
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
      others: [],
    };
  }
}

const topScore = (faces: readonly FaceBox[]) => Math.max(0, ...faces.map((f) => f.score));
/** a − b in degrees, folded into (−180, 180]. */
const angleBetween = (a: number, b: number) => 180 - ((((180 - (a - b)) % 360) + 360) % 360);

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
  return { ...box, left, top, width: right - left, height: bottom - top };
}

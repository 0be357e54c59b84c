/** Where the two networks look: the detector's (possibly rotated) view of the whole photo and the landmark net's face crop. */
import type { RgbaImage } from '../image/decode.ts';
import { DETECTOR_INPUT_SIZE, LANDMARKS_INPUT_SIZE } from './constants.ts';
import { eyeRollDegrees, type Detection, type FaceBox } from './detect.ts';
import { applySimilarity, type Point, type Similarity } from './geometry.ts';

/** Exact cosine and sine for the right angles, so an upright or quarter-turned look stays an exact pixel grid. */
function cosSin(degrees: number): [number, number] {
  const quarter = degrees / 90;
  if (Number.isInteger(quarter)) return [[1, 0, -1, 0][((quarter % 4) + 4) % 4], [0, 1, 0, -1][((quarter % 4) + 4) % 4]];
  const theta = (degrees * Math.PI) / 180;
  return [Math.cos(theta), Math.sin(theta)];
}

/** A similarity taking `[0, side)²` of a square view, turned by `degrees`, onto `side·scale` pixels around `centre`. */
function squareView(centre: Point, side: number, scale: number, degrees: number): Similarity {
  const [cos, sin] = cosSin(degrees);
  const [a, b] = [scale * cos, scale * sin];
  const half = side / 2;
  return { a, b, tx: centre[0] - (a * half - b * half), ty: centre[1] - (b * half + a * half) };
}

/**
 * The detector's view of the photo turned by `rotationDegrees` (a face turned by that much in the photo is upright
 * in the view), centred, with the turned photo's longer side filling the input and black all round.
 * Returns the map from detector-input pixels to photo pixels.
 */
export function detectorView(image: Pick<RgbaImage, 'width' | 'height'>, rotationDegrees: number): Similarity {
  const [cos, sin] = cosSin(rotationDegrees).map(Math.abs);
  const turnedSide = Math.max(image.width * cos + image.height * sin, image.width * sin + image.height * cos);
  return squareView([image.width / 2, image.height / 2], DETECTOR_INPUT_SIZE, turnedSide / DETECTOR_INPUT_SIZE, rotationDegrees);
}

/** A detection in a view's pixels as a box in photo pixels: centre and roll mapped, size scaled (the box stays upright). */
export function faceBoxInPhoto(detection: Detection, view: Similarity): FaceBox {
  const scale = Math.hypot(view.a, view.b);
  const [cx, cy] = applySimilarity(view, [detection.left + detection.width / 2, detection.top + detection.height / 2]);
  const keypoints = detection.keypoints.map((p) => applySimilarity(view, p));
  const [width, height] = [detection.width * scale, detection.height * scale];
  return { left: cx - width / 2, top: cy - height / 2, width, height, score: detection.score, rollDegrees: eyeRollDegrees(keypoints) };
}

/**
 * How the landmark crop frames a detector box: side and centre shift as fractions of the box's longer side, in the
 * face's own (rolled) frame. FaceLandmark68TinyNet was trained on face-api's TinyFaceDetector boxes; these values
 * make the crop around a BlazeFace box frame the face as that detector's box did, fitted on CelebA faces 8001–8300
 * (scripts/fit-landmark-crop.ts).
 */
export const LANDMARK_CROP: LandmarkCrop = { side: 1.24, shiftX: -0.08, shiftY: 0.08 };
export interface LandmarkCrop {
  side: number;
  shiftX: number;
  shiftY: number;
}

/** The map from landmark-input pixels to photo pixels for the face in `box`, turned upright by its roll. */
export function landmarkView(box: FaceBox, crop = LANDMARK_CROP): Similarity {
  const size = Math.max(box.width, box.height);
  const roll = box.rollDegrees ?? 0;
  const [cos, sin] = cosSin(roll);
  const [dx, dy] = [crop.shiftX * size, crop.shiftY * size];
  const centre: Point = [box.left + box.width / 2 + cos * dx - sin * dy, box.top + box.height / 2 + sin * dx + cos * dy];
  const side = crop.side * size;
  return squareView(centre, LANDMARKS_INPUT_SIZE, side / LANDMARKS_INPUT_SIZE, roll);
}

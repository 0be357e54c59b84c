import { DETECTOR_ANCHOR_GRIDS, DETECTOR_KEYPOINTS, DETECTOR_VALUES_PER_ANCHOR } from './constants.ts';

/** A face box in the coordinates of the image the detector saw, with the detector's confidence. */
export interface FaceBox {
  left: number;
  top: number;
  width: number;
  height: number;
  score: number;
  /**
   * In-plane rotation of the face in degrees (the direction from the image-left eye to the image-right eye, clockwise
   * on screen), from the detector's eye keypoints; absent means upright. The landmark crop is turned by it.
   */
  rollDegrees?: number;
}

/** A detection in detector-input pixels: its box and BlazeFace's six keypoints (eyes, nose tip, mouth, ear tragions). */
export interface Detection extends FaceBox {
  keypoints: [number, number][];
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** Candidates kept for suppression; bounds the quadratic NMS whatever the image holds. */
const MAX_CANDIDATES = 200;

/** Anchor centres as fractions of the input, in the order of the detector's output rows (MediaPipe's SsdAnchorsCalculator). */
export const DETECTOR_ANCHORS: readonly [number, number][] = DETECTOR_ANCHOR_GRIDS.flatMap(({ cells, anchorsPerCell }) =>
  Array.from({ length: cells * cells * anchorsPerCell }, (_, i): [number, number] => {
    const cell = Math.floor(i / anchorsPerCell);
    return [((cell % cells) + 0.5) / cells, (Math.floor(cell / cells) + 0.5) / cells];
  }),
);

/**
 * Decodes the detector's [896, 17] rows into detections in input pixels, as MediaPipe's TensorsToDetections does for
 * BlazeFace: box centre and keypoints are offsets (input pixels) from the anchor centre, box size is in input pixels,
 * the score is a sigmoid. The roll comes from the two eye keypoints.
 */
export function decodeDetections(rows: Float32Array, inputSize: number, scoreThreshold: number): Detection[] {
  const expected = DETECTOR_ANCHORS.length * DETECTOR_VALUES_PER_ANCHOR;
  if (rows.length !== expected) throw new Error(`detector output has ${rows.length} values, expected ${expected}`);
  const detections: Detection[] = [];
  DETECTOR_ANCHORS.forEach(([ax, ay], i) => {
    const row = rows.subarray(i * DETECTOR_VALUES_PER_ANCHOR, (i + 1) * DETECTOR_VALUES_PER_ANCHOR);
    const score = sigmoid(row[DETECTOR_VALUES_PER_ANCHOR - 1]);
    if (!(score > scoreThreshold)) return;
    const [cx, cy] = [ax * inputSize + row[0], ay * inputSize + row[1]];
    const [width, height] = [row[2], row[3]];
    if (!(width > 0 && height > 0)) return;
    const keypoints = Array.from({ length: DETECTOR_KEYPOINTS }, (_, k): [number, number] => [ax * inputSize + row[4 + 2 * k], ay * inputSize + row[5 + 2 * k]]);
    if (!mouthBelowEyes(keypoints)) return;
    detections.push({ left: cx - width / 2, top: cy - height / 2, width, height, score, rollDegrees: eyeRollDegrees(keypoints), keypoints });
  });
  return detections;
}

/** The face's roll from BlazeFace's keypoints: 0 is the subject's right eye (on the image's left), 1 the other eye. */
export function eyeRollDegrees(keypoints: readonly (readonly [number, number])[]): number {
  return (Math.atan2(keypoints[1][1] - keypoints[0][1], keypoints[1][0] - keypoints[0][0]) * 180) / Math.PI;
}

/**
 * Whether the mouth keypoint (3) lies below the line from the image-left eye to the image-right eye, as seen from that
 * line: false for an upside-down face the detector took for an upright one, whose eyes and roll would be wrong.
 */
export function mouthBelowEyes(keypoints: readonly (readonly [number, number])[]): boolean {
  const [[lx, ly], [rx, ry], , [mx, my]] = keypoints;
  return (rx - lx) * (my - (ly + ry) / 2) - (ry - ly) * (mx - (lx + rx) / 2) > 0;
}

export function iou(a: FaceBox, b: FaceBox): number {
  const w = Math.max(0, Math.min(a.left + a.width, b.left + b.width) - Math.max(a.left, b.left));
  const h = Math.max(0, Math.min(a.top + a.height, b.top + b.height) - Math.max(a.top, b.top));
  const inter = w * h;
  const union = a.width * a.height + b.width * b.height - inter;
  return union > 0 ? inter / union : 0;
}

/**
 * MediaPipe's weighted non-maximum suppression: the best box and every box overlapping it by more than `threshold`
 * become one detection, their coordinates averaged with the scores as weights (steadier than keeping the best
 * box alone), repeated for the boxes left.
 */
export function weightedNonMaxSuppression(detections: Detection[], threshold: number): Detection[] {
  let remaining = [...detections].sort((p, q) => q.score - p.score).slice(0, MAX_CANDIDATES);
  const kept: Detection[] = [];
  while (remaining.length) {
    const best = remaining[0];
    const group = remaining.filter((d) => iou(best, d) > threshold || d === best);
    remaining = remaining.filter((d) => !group.includes(d));
    if (group.length === 1) {
      kept.push(best);
      continue;
    }
    const total = group.reduce((sum, d) => sum + d.score, 0);
    const mean = (pick: (d: Detection) => number) => group.reduce((sum, d) => sum + pick(d) * d.score, 0) / total;
    const keypoints = best.keypoints.map((_, k): [number, number] => [mean((d) => d.keypoints[k][0]), mean((d) => d.keypoints[k][1])]);
    const box = { left: mean((d) => d.left), top: mean((d) => d.top), width: mean((d) => d.width), height: mean((d) => d.height) };
    kept.push({ ...box, score: best.score, rollDegrees: eyeRollDegrees(keypoints), keypoints });
  }
  return kept;
}

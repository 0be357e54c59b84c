import { DETECTOR_ANCHORS } from './constants.ts';

/** A face box in the coordinates of the image the detector saw, with the detector's confidence. */
export interface FaceBox {
  left: number;
  top: number;
  width: number;
  height: number;
  score: number;
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** Candidates kept for suppression; bounds the quadratic NMS whatever the image holds. */
const MAX_CANDIDATES = 200;

/**
 * Decodes the detector's NCHW grid (anchor·5 + [x, y, w, h, score] channels per cell) into boxes in
 * input pixels, as face-api's TinyYolov2Base.extractBoxes does: sigmoid offsets within the cell,
 * exponential scaling of the anchor, sigmoid score.
 */
export function decodeGrid(grid: Float32Array, rows: number, cols: number, inputSize: number, scoreThreshold: number): FaceBox[] {
  const anchors = DETECTOR_ANCHORS.length;
  if (grid.length !== anchors * 5 * rows * cols) throw new Error(`detector grid has ${grid.length} values, expected ${anchors * 5 * rows * cols}`);
  const plane = rows * cols;
  const at = (anchor: number, k: number, row: number, col: number) => grid[(anchor * 5 + k) * plane + row * cols + col];
  const boxes: FaceBox[] = [];
  for (let row = 0; row < rows; row++) {
    for (let col = 0; col < cols; col++) {
      for (let anchor = 0; anchor < anchors; anchor++) {
        const score = sigmoid(at(anchor, 4, row, col));
        if (!(score > scoreThreshold)) continue;
        const cx = (col + sigmoid(at(anchor, 0, row, col))) / cols;
        const cy = (row + sigmoid(at(anchor, 1, row, col))) / rows;
        const w = (Math.exp(at(anchor, 2, row, col)) * DETECTOR_ANCHORS[anchor].x) / cols;
        const h = (Math.exp(at(anchor, 3, row, col)) * DETECTOR_ANCHORS[anchor].y) / rows;
        if (!Number.isFinite(w) || !Number.isFinite(h)) continue;
        boxes.push({ left: (cx - w / 2) * inputSize, top: (cy - h / 2) * inputSize, width: w * inputSize, height: h * inputSize, score });
      }
    }
  }
  return boxes;
}

export function iou(a: FaceBox, b: FaceBox): number {
  const w = Math.max(0, Math.min(a.left + a.width, b.left + b.width) - Math.max(a.left, b.left));
  const h = Math.max(0, Math.min(a.top + a.height, b.top + b.height) - Math.max(a.top, b.top));
  const inter = w * h;
  const union = a.width * a.height + b.width * b.height - inter;
  return union > 0 ? inter / union : 0;
}

/** Greedy non-maximum suppression: keep the best box, drop those overlapping it by more than `threshold`, repeat. */
export function nonMaxSuppression(boxes: FaceBox[], threshold: number): FaceBox[] {
  const remaining = [...boxes].sort((p, q) => q.score - p.score).slice(0, MAX_CANDIDATES);
  const kept: FaceBox[] = [];
  for (const box of remaining) {
    if (kept.every((k) => iou(k, box) <= threshold)) kept.push(box);
  }
  return kept;
}

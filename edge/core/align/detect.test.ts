import { describe, expect, it } from 'vitest';
import { DETECTOR_VALUES_PER_ANCHOR } from './constants.ts';
import { DETECTOR_ANCHORS, decodeDetections, iou, weightedNonMaxSuppression, type Detection, type FaceBox } from './detect.ts';

const logit = (p: number) => Math.log(p / (1 - p));

describe('DETECTOR_ANCHORS', () => {
  it('are MediaPipe BlazeFace short-range anchors: 2 per cell of 16×16, then 6 per cell of 8×8, row by row', () => {
    expect(DETECTOR_ANCHORS).toHaveLength(896);
    expect(DETECTOR_ANCHORS[0]).toEqual([0.5 / 16, 0.5 / 16]);
    expect(DETECTOR_ANCHORS[1]).toEqual([0.5 / 16, 0.5 / 16]);
    expect(DETECTOR_ANCHORS[2]).toEqual([1.5 / 16, 0.5 / 16]);
    expect(DETECTOR_ANCHORS[32]).toEqual([0.5 / 16, 1.5 / 16]);
    expect(DETECTOR_ANCHORS[512]).toEqual([0.5 / 8, 0.5 / 8]);
    expect(DETECTOR_ANCHORS[895]).toEqual([7.5 / 8, 7.5 / 8]);
  });
});

describe('decodeDetections', () => {
  function rowsWith(anchor: number, values: number[]): Float32Array {
    const rows = new Float32Array(DETECTOR_ANCHORS.length * DETECTOR_VALUES_PER_ANCHOR);
    for (let i = 0; i < DETECTOR_ANCHORS.length; i++) rows[i * DETECTOR_VALUES_PER_ANCHOR + 16] = -10;
    rows.set(values, anchor * DETECTOR_VALUES_PER_ANCHOR);
    return rows;
  }

  it('places a confident anchor as MediaPipe does: pixel offsets from the anchor centre, size in pixels, sigmoid score', () => {
    // Anchor 600 is on the 8×8 grid: cell 14 (row 1, column 6).
    const keypoints = [-10, -5, 10, 5, 0, 0, 0, 8, -20, 0, 20, 0];
    const rows = rowsWith(600, [2, -3, 40, 44, ...keypoints, logit(0.9)]);
    const [face, ...rest] = decodeDetections(rows, 128, 0.5);
    expect(rest).toEqual([]);
    expect(face.score).toBeCloseTo(0.9, 6);
    const [ax, ay] = [(6.5 / 8) * 128, (1.5 / 8) * 128];
    expect(face.left + face.width / 2).toBeCloseTo(ax + 2, 4);
    expect(face.top + face.height / 2).toBeCloseTo(ay - 3, 4);
    expect([face.width, face.height]).toEqual([40, 44]);
    expect(face.keypoints[0]).toEqual([ax - 10, ay - 5]);
    // From the image-left eye (−10, −5) to the image-right eye (10, 5): turned clockwise by atan(10/20).
    expect(face.rollDegrees).toBeCloseTo((Math.atan2(10, 20) * 180) / Math.PI, 4);
  });

  it('drops anchors at or below the threshold and refuses output of the wrong size', () => {
    expect(decodeDetections(rowsWith(3, [0, 0, 10, 10, ...new Array(12).fill(0), logit(0.4)]), 128, 0.5)).toEqual([]);
    expect(() => decodeDetections(new Float32Array(10), 128, 0.5)).toThrow(/expected/);
  });
});

describe('weightedNonMaxSuppression', () => {
  const detection = (left: number, score: number): Detection => ({
    left,
    top: 0,
    width: 10,
    height: 10,
    score,
    keypoints: [
      [left + 2, 3],
      [left + 8, 3],
    ],
  });

  it('blends overlapping boxes weighted by score, keeps separate ones, and reports the best score', () => {
    const kept = weightedNonMaxSuppression([detection(0, 0.25), detection(1, 0.75), detection(30, 0.7)], 0.3);
    expect(kept.map((d) => [d.left, d.score])).toEqual([
      [0.75, 0.75],
      [30, 0.7],
    ]);
    expect(kept[0].keypoints[0]).toEqual([2.75, 3]);
    expect(kept[0].rollDegrees).toBe(0);
  });

  it('iou of identical boxes is 1 and of disjoint boxes 0', () => {
    const box = (left: number): FaceBox => ({ left, top: 0, width: 10, height: 10, score: 1 });
    expect(iou(box(0), box(0))).toBe(1);
    expect(iou(box(0), box(20))).toBe(0);
  });
});

import { describe, expect, it } from 'vitest';
import { DETECTOR_ANCHORS } from './constants.ts';
import { decodeGrid, iou, nonMaxSuppression, type FaceBox } from './detect.ts';

const logit = (p: number) => Math.log(p / (1 - p));

describe('decodeGrid', () => {
  it('places a confident cell where face-api would: sigmoid offsets, anchor × exp(size)', () => {
    const rows = 3;
    const cols = 4;
    const grid = new Float32Array(DETECTOR_ANCHORS.length * 5 * rows * cols).fill(-10);
    const set = (anchor: number, k: number, row: number, col: number, v: number) => (grid[(anchor * 5 + k) * rows * cols + row * cols + col] = v);
    // anchor 1 in row 2, column 1: centre at the middle of the cell, size exactly the anchor.
    set(1, 0, 2, 1, 0);
    set(1, 1, 2, 1, 0);
    set(1, 2, 2, 1, 0);
    set(1, 3, 2, 1, 0);
    set(1, 4, 2, 1, logit(0.9));
    const [box, ...rest] = decodeGrid(grid, rows, cols, 128, 0.5);
    expect(rest).toEqual([]);
    expect(box.score).toBeCloseTo(0.9, 6);
    const w = (DETECTOR_ANCHORS[1].x / cols) * 128;
    const h = (DETECTOR_ANCHORS[1].y / rows) * 128;
    expect(box.width).toBeCloseTo(w, 4);
    expect(box.height).toBeCloseTo(h, 4);
    expect(box.left + box.width / 2).toBeCloseTo((1.5 / cols) * 128, 4);
    expect(box.top + box.height / 2).toBeCloseTo((2.5 / rows) * 128, 4);
  });

  it('refuses a grid of the wrong size', () => {
    expect(() => decodeGrid(new Float32Array(10), 3, 3, 96, 0.5)).toThrow(/expected/);
  });
});

describe('nonMaxSuppression', () => {
  const box = (left: number, score: number): FaceBox => ({ left, top: 0, width: 10, height: 10, score });

  it('keeps the best of overlapping boxes and every separate one', () => {
    const kept = nonMaxSuppression([box(0, 0.6), box(1, 0.9), box(30, 0.7)], 0.4);
    expect(kept.map((b) => [b.left, b.score])).toEqual([
      [1, 0.9],
      [30, 0.7],
    ]);
  });

  it('iou of identical boxes is 1 and of disjoint boxes 0', () => {
    expect(iou(box(0, 1), box(0, 1))).toBe(1);
    expect(iou(box(0, 1), box(20, 1))).toBe(0);
  });
});

import { describe, expect, it } from 'vitest';
import { boxFromSlider, boxToCrop, centreBoxOn, cropToBox, gripAt, moveBox, resizeBox, type Rect } from './box-geometry.ts';

const PHOTO = { width: 400, height: 300 };
const FACE: Rect = { left: 100, top: 80, width: 100, height: 120 };

describe('box geometry', () => {
  it('grabs the corner handle to resize, the inside to move, and nothing outside', () => {
    expect(gripAt(FACE, 198, 203, 6)).toBe('resize');
    expect(gripAt(FACE, 150, 140, 6)).toBe('move');
    expect(gripAt(FACE, 20, 20, 6)).toBeUndefined();
  });

  it('moves the box and stops it at the photo edges', () => {
    expect(moveBox(FACE, 30, -20, PHOTO)).toEqual({ ...FACE, left: 130, top: 60 });
    expect(moveBox(FACE, 1000, -1000, PHOTO)).toEqual({ ...FACE, left: 300, top: 0 });
    expect(centreBoxOn(FACE, 10, 290, PHOTO)).toEqual({ ...FACE, left: 0, top: 180 });
  });

  it('resizes from the corner keeping the shape, the minimum side and the photo bounds', () => {
    const larger = resizeBox(FACE, 260, 150, PHOTO, 32);
    expect(larger).toEqual({ left: 100, top: 80, width: 160, height: 192 });
    const tiny = resizeBox(FACE, 101, 81, PHOTO, 32);
    expect(Math.min(tiny.width, tiny.height)).toBeCloseTo(32, 9);
    const huge = resizeBox(FACE, 2000, 2000, PHOTO, 32);
    expect(huge.top + huge.height).toBeCloseTo(300, 9);
    expect(huge.height / huge.width).toBeCloseTo(1.2, 9);
  });

  it('moves a box near the bottom-right corner inward rather than past the photo when it is resized to its minimum', () => {
    const corner: Rect = { left: 380, top: 270, width: 20, height: 24 };
    const resized = resizeBox(corner, 381, 271, PHOTO, 32);
    expect(resized.width).toBeCloseTo(32, 9);
    expect(resized.height / resized.width).toBeCloseTo(1.2, 9);
    expect(resized.left + resized.width).toBeLessThanOrEqual(PHOTO.width);
    expect(resized.top + resized.height).toBeLessThanOrEqual(PHOTO.height + 1e-9);
    expect(resized.left).toBeGreaterThanOrEqual(0);
  });

  it('keeps the size of a face box the size slider cannot describe when the X or Y slider moves it', () => {
    const large: Rect = { left: 20, top: 10, width: 320, height: 280 };
    const small: Rect = { left: 200, top: 150, width: 20, height: 24 };
    for (const box of [large, small]) {
      const state = boxToCrop(box, PHOTO);
      const movedX = boxFromSlider(box, 'x', { ...state, centerX: state.centerX + 0.05 }, PHOTO);
      expect([movedX.width, movedX.height]).toEqual([box.width, box.height]);
      expect(movedX.left).toBeCloseTo(box.left + 20, 9);
      expect(movedX.top).toBe(box.top);
      const movedY = boxFromSlider(box, 'y', { ...state, centerY: state.centerY - 0.02 }, PHOTO);
      expect([movedY.width, movedY.height]).toEqual([box.width, box.height]);
      expect(movedY.top).toBeCloseTo(box.top - 6, 9);
      expect(movedY.left).toBe(box.left);
    }
  });

  it('resizes the box about the slider centre only when the size slider moves, keeping its shape', () => {
    const resized = boxFromSlider(FACE, 'size', { ...boxToCrop(FACE, PHOTO), size: 0.6 }, PHOTO);
    expect(resized.height).toBeCloseTo(180, 9);
    expect(resized.height / resized.width).toBeCloseTo(1.2, 9);
    expect(resized.top + resized.height / 2).toBeCloseTo(140, 9);
  });

  it('stops a box moved by the X slider at the photo edge', () => {
    expect(boxFromSlider(FACE, 'x', { ...boxToCrop(FACE, PHOTO), centerX: 1 }, PHOTO)).toEqual({ ...FACE, left: 300 });
  });

  it('turns a box into slider values and back without moving it', () => {
    const state = boxToCrop(FACE, PHOTO);
    expect(state).toEqual({ size: 0.4, centerX: 0.375, centerY: 140 / 300 });
    const back = cropToBox(state, FACE.height / FACE.width, PHOTO);
    for (const key of ['left', 'top', 'width', 'height'] as const) expect(back[key]).toBeCloseTo(FACE[key], 9);
  });

  it('makes the manual crop square from the sliders, pushed back inside the photo', () => {
    expect(cropToBox({ size: 0.5, centerX: 0.95, centerY: 0.2 }, 1, PHOTO)).toEqual({ left: 250, top: 0, width: 150, height: 150 });
  });
});

import { describe, expect, it } from 'vitest';
import { boxToCrop, centreBoxOn, cropToBox, gripAt, moveBox, resizeBox, type Rect } from './box-geometry.ts';

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

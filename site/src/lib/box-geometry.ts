import type { CropState } from './crop-box.ts';

/** The three sliders under the crop preview: the box's size, and its centre across and down. */
export type CropSlider = 'size' | 'x' | 'y';

/** A box in photo pixels: the face box the detector found (and the user adjusted), or a manual crop square. */
export interface Rect {
  left: number;
  top: number;
  width: number;
  height: number;
}

export interface Size {
  width: number;
  height: number;
}

export type BoxGrip = 'move' | 'resize';

const clamp = (value: number, low: number, high: number) => Math.min(Math.max(value, low), Math.max(low, high));

/** What a pointer at (x, y) grabs: the bottom-right corner handle (within `handle` pixels) resizes, the inside moves. */
export function gripAt(box: Rect, x: number, y: number, handle: number): BoxGrip | undefined {
  const right = box.left + box.width;
  const bottom = box.top + box.height;
  if (Math.abs(x - right) <= handle && Math.abs(y - bottom) <= handle) return 'resize';
  if (x >= box.left && x <= right && y >= box.top && y <= bottom) return 'move';
  return undefined;
}

/** The box moved by (dx, dy), stopped at the photo's edges. */
export function moveBox(box: Rect, dx: number, dy: number, image: Size): Rect {
  return {
    ...box,
    left: clamp(box.left + dx, 0, image.width - box.width),
    top: clamp(box.top + dy, 0, image.height - box.height),
  };
}

/** The box centred on (x, y) as far as the photo allows: a click outside the box brings it there. */
export function centreBoxOn(box: Rect, x: number, y: number, image: Size): Rect {
  return moveBox(box, x - (box.left + box.width / 2), y - (box.top + box.height / 2), image);
}

/**
 * The box after its bottom-right corner is dragged to (x, y): the top-left corner stays, the shape (height / width)
 * stays, the shorter side stays at least `minSide` pixels, and the box stays inside the photo. Near the right or
 * bottom edge, where even the smallest allowed box does not fit from this corner, the box moves inward instead.
 */
export function resizeBox(box: Rect, x: number, y: number, image: Size, minSide: number): Rect {
  const aspect = box.height / box.width;
  const wanted = Math.max(x - box.left, (y - box.top) / aspect);
  const smallest = minSide / Math.min(1, aspect);
  const largest = Math.min(image.width - box.left, (image.height - box.top) / aspect);
  const width = Math.max(smallest, Math.min(wanted, largest));
  const height = width * aspect;
  return { left: clamp(box.left, 0, image.width - width), top: clamp(box.top, 0, image.height - height), width, height };
}

/**
 * The slider state of a box: its longer side as a fraction of the photo's shorter edge (at most 1, the sliders' range)
 * and its centre as fractions of the photo.
 */
export function boxToCrop(box: Rect, image: Size): CropState {
  return {
    size: Math.min(1, Math.max(box.width, box.height) / Math.min(image.width, image.height)),
    centerX: (box.left + box.width / 2) / image.width,
    centerY: (box.top + box.height / 2) / image.height,
  };
}

/** The box of `aspect` (height / width) that a slider state describes, kept inside the photo. */
export function cropToBox(state: CropState, aspect: number, image: Size): Rect {
  const long = state.size * Math.min(image.width, image.height);
  const width = aspect <= 1 ? long : long / aspect;
  const height = width * aspect;
  return {
    left: clamp(state.centerX * image.width - width / 2, 0, image.width - width),
    top: clamp(state.centerY * image.height - height / 2, 0, image.height - height),
    width,
    height,
  };
}

/**
 * The box after one slider moved. Only the size slider resizes it; X and Y move it and keep its size, because the
 * size slider's range (a tenth of the shorter edge up to all of it) cannot describe every face box, and rebuilding
 * the box from all three sliders would silently shrink a larger face box or grow a smaller one.
 */
export function boxFromSlider(box: Rect, slider: CropSlider, state: CropState, image: Size): Rect {
  if (slider === 'size') return cropToBox(state, box.height / box.width, image);
  const x = slider === 'x' ? state.centerX * image.width : box.left + box.width / 2;
  const y = slider === 'y' ? state.centerY * image.height : box.top + box.height / 2;
  return centreBoxOn(box, x, y, image);
}

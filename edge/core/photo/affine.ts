import type { Point, Similarity } from '../align/geometry.ts';
import type { Region } from '../image/resample.ts';

/**
 * x' = a·x + c·y + tx,  y' = b·x + d·y + ty. Alignment gives a similarity (c = −b, d = a); the manifest's crop
 * box without alignment stretches each axis on its own, so the photo ↔ model-input map is a general affine here.
 */
export interface Affine {
  a: number;
  b: number;
  c: number;
  d: number;
  tx: number;
  ty: number;
}

export function affineFromSimilarity(t: Similarity): Affine {
  return { a: t.a, b: t.b, c: -t.b, d: t.a, tx: t.tx, ty: t.ty };
}

/** Photo pixels → model-input pixels for a crop `region` of the photo resized to width×height. */
export function affineFromCrop(region: Region, width: number, height: number): Affine {
  const sx = width / region.width;
  const sy = height / region.height;
  return { a: sx, b: 0, c: 0, d: sy, tx: -region.left * sx, ty: -region.top * sy };
}

export function applyAffine(t: Affine, [x, y]: Point): [number, number] {
  return [t.a * x + t.c * y + t.tx, t.b * x + t.d * y + t.ty];
}

export function invertAffine(t: Affine): Affine {
  const det = t.a * t.d - t.b * t.c;
  if (!(Math.abs(det) > 1e-12)) throw new Error('the photo-to-model transform is singular');
  const a = t.d / det;
  const b = -t.b / det;
  const c = -t.c / det;
  const d = t.a / det;
  return { a, b, c, d, tx: -(a * t.tx + c * t.ty), ty: -(b * t.tx + d * t.ty) };
}

/** Photo pixels per model-input pixel along each axis (the model → photo map's column lengths). */
export function photoPixelsPerModelPixel(toModel: Affine): { x: number; y: number } {
  const back = invertAffine(toModel);
  return { x: Math.hypot(back.a, back.b), y: Math.hypot(back.c, back.d) };
}

/** The axis-aligned photo rectangle (whole pixels, clipped to the photo) covering a model-frame region's preimage. */
export function photoFootprint(toModel: Affine, region: Region, photo: { width: number; height: number }): Region {
  const back = invertAffine(toModel);
  const { left, top, width, height } = region;
  const frame: Point[] = [
    [left, top],
    [left + width, top],
    [left, top + height],
    [left + width, top + height],
  ];
  const corners = frame.map((p) => applyAffine(back, p));
  const x0 = Math.max(0, Math.floor(Math.min(...corners.map((p) => p[0]))));
  const y0 = Math.max(0, Math.floor(Math.min(...corners.map((p) => p[1]))));
  const x1 = Math.min(photo.width, Math.ceil(Math.max(...corners.map((p) => p[0]))));
  const y1 = Math.min(photo.height, Math.ceil(Math.max(...corners.map((p) => p[1]))));
  return { left: x0, top: y0, width: Math.max(0, x1 - x0), height: Math.max(0, y1 - y0) };
}

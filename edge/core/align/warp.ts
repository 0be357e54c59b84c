import type { RgbaImage } from '../image/decode.ts';
import type { Region } from '../image/resample.ts';
import type { Similarity } from './geometry.ts';

/**
 * Bilinear sampling of an RGBA image through a similarity transform, written here because the core must
 * run in Workers and browsers without a canvas, and the networks need the exact letterboxing face-api uses.
 * Coordinates are continuous: pixel (i, j) covers [i, i+1) × [j, j+1), so its centre is (i+0.5, j+0.5).
 */
export interface WarpOptions {
  /** Maps output coordinates to source coordinates. */
  outputToSource: Similarity;
  width: number;
  height: number;
  /** Source pixels outside this rectangle read as black ('zero') or as the nearest pixel inside it ('clamp'). */
  outside: 'zero' | 'clamp';
  valid?: Region;
}

/** The core loop, kept free of per-pixel allocation: this runs for every pixel of every upload. */
export function warpToPlanes(image: RgbaImage, options: WarpOptions): Float32Array {
  const { width: outW, height: outH, outputToSource: t } = options;
  const valid = options.valid ?? { left: 0, top: 0, width: image.width, height: image.height };
  const bounds: SourceBounds = {
    x0: Math.max(0, Math.ceil(valid.left - 0.5)),
    y0: Math.max(0, Math.ceil(valid.top - 0.5)),
    x1: Math.min(image.width - 1, Math.floor(valid.left + valid.width - 0.5)),
    y1: Math.min(image.height - 1, Math.floor(valid.top + valid.height - 0.5)),
    clamp: false,
  };
  bounds.clamp = options.outside === 'clamp' && bounds.x1 >= bounds.x0 && bounds.y1 >= bounds.y0;
  const out = new Float32Array(3 * outW * outH);
  // Both network inputs (the detector's letterbox and the landmark crop) are pure scalings: with no rotation the
  // source column and row of each output pixel are computed once per column and once per row instead of per pixel.
  if (t.b === 0 && t.a > 0) warpAxisAligned(image, t, outW, outH, bounds, out);
  else warpRotated(image, t, outW, outH, bounds, out);
  return out;
}

interface SourceBounds {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  clamp: boolean;
}

function warpRotated(image: RgbaImage, t: Similarity, outW: number, outH: number, bounds: SourceBounds, out: Float32Array): void {
  const { x0, y0, x1, y1 } = bounds;
  const { data, width } = image;
  for (let v = 0; v < outH; v++) {
    for (let u = 0; u < outW; u++) {
      // Source position of this output pixel's centre, in pixel-index space (centres at integers).
      const x = t.a * (u + 0.5) - t.b * (v + 0.5) + t.tx - 0.5;
      const y = t.b * (u + 0.5) + t.a * (v + 0.5) + t.ty - 0.5;
      const fx = Math.floor(x);
      const fy = Math.floor(y);
      if (fx >= x0 && fx < x1 && fy >= y0 && fy < y1) sampleInside(data, width, fx, fy, x - fx, y - fy, out, v * outW + u, outW * outH);
      else sampleAtEdge(image, bounds, fx, fy, x - fx, y - fy, out, v * outW + u, outW * outH);
    }
  }
}

function warpAxisAligned(image: RgbaImage, t: Similarity, outW: number, outH: number, bounds: SourceBounds, out: Float32Array): void {
  const { x0, y0, x1, y1, clamp } = bounds;
  const { data, width } = image;
  const plane = outW * outH;
  const columns = new Int32Array(outW);
  const columnFractions = new Float64Array(outW);
  let insideFrom = outW;
  let insideTo = 0;
  for (let u = 0; u < outW; u++) {
    const x = t.a * (u + 0.5) + t.tx - 0.5;
    columns[u] = Math.floor(x);
    columnFractions[u] = x - columns[u];
    if (columns[u] >= x0 && columns[u] < x1) {
      insideFrom = Math.min(insideFrom, u);
      insideTo = u + 1;
    }
  }
  for (let v = 0; v < outH; v++) {
    const y = t.a * (v + 0.5) + t.ty - 0.5;
    const fy = Math.floor(y);
    const ty = y - fy;
    // Rows wholly outside the source stay zero (the letterbox padding) unless edges are clamped.
    if (!clamp && (fy < y0 - 1 || fy > y1)) continue;
    const row = v * outW;
    if (fy < y0 || fy >= y1) {
      for (let u = 0; u < outW; u++) sampleAtEdge(image, bounds, columns[u], fy, columnFractions[u], ty, out, row + u, plane);
      continue;
    }
    for (let u = 0; u < insideFrom; u++) sampleAtEdge(image, bounds, columns[u], fy, columnFractions[u], ty, out, row + u, plane);
    const rowStart = fy * width * 4;
    const nextRow = width * 4;
    for (let u = insideFrom; u < insideTo; u++) {
      const tx = columnFractions[u];
      const p = rowStart + columns[u] * 4;
      const q = p + nextRow;
      const w00 = (1 - tx) * (1 - ty);
      const w01 = tx * (1 - ty);
      const w10 = (1 - tx) * ty;
      const w11 = tx * ty;
      const i = row + u;
      out[i] = w00 * data[p] + w01 * data[p + 4] + w10 * data[q] + w11 * data[q + 4];
      out[plane + i] = w00 * data[p + 1] + w01 * data[p + 5] + w10 * data[q + 1] + w11 * data[q + 5];
      out[2 * plane + i] = w00 * data[p + 2] + w01 * data[p + 6] + w10 * data[q + 2] + w11 * data[q + 6];
    }
    for (let u = Math.max(insideTo, insideFrom); u < outW; u++) sampleAtEdge(image, bounds, columns[u], fy, columnFractions[u], ty, out, row + u, plane);
  }
}

/** Bilinear sample whose four neighbours all lie inside the valid rectangle. */
function sampleInside(data: Uint8Array, width: number, fx: number, fy: number, tx: number, ty: number, out: Float32Array, i: number, plane: number): void {
  const p = (fy * width + fx) * 4;
  const q = p + width * 4;
  const w00 = (1 - tx) * (1 - ty);
  const w01 = tx * (1 - ty);
  const w10 = (1 - tx) * ty;
  const w11 = tx * ty;
  out[i] = w00 * data[p] + w01 * data[p + 4] + w10 * data[q] + w11 * data[q + 4];
  out[plane + i] = w00 * data[p + 1] + w01 * data[p + 5] + w10 * data[q + 1] + w11 * data[q + 5];
  out[2 * plane + i] = w00 * data[p + 2] + w01 * data[p + 6] + w10 * data[q + 2] + w11 * data[q + 6];
}

/** Bilinear sample with some neighbours outside the valid rectangle: they read as black or as the nearest inside pixel. */
function sampleAtEdge(image: RgbaImage, bounds: SourceBounds, fx: number, fy: number, tx: number, ty: number, out: Float32Array, i: number, plane: number): void {
  const { x0, y0, x1, y1, clamp } = bounds;
  const { data, width } = image;
  let r = 0;
  let g = 0;
  let b = 0;
  for (let k = 0; k < 4; k++) {
    const w = (k & 1 ? tx : 1 - tx) * (k >> 1 ? ty : 1 - ty);
    if (w === 0) continue;
    let sx = fx + (k & 1);
    let sy = fy + (k >> 1);
    if (sx < x0 || sx > x1 || sy < y0 || sy > y1) {
      if (!clamp) continue;
      sx = sx < x0 ? x0 : sx > x1 ? x1 : sx;
      sy = sy < y0 ? y0 : sy > y1 ? y1 : sy;
    }
    const p = (sy * width + sx) * 4;
    r += w * data[p];
    g += w * data[p + 1];
    b += w * data[p + 2];
  }
  out[i] = r;
  out[plane + i] = g;
  out[2 * plane + i] = b;
}

/** Warps into an opaque RGBA image, for the aligned face handed on to the model's own preprocessing. */
export function warpToRgba(image: RgbaImage, options: WarpOptions): RgbaImage {
  const { width, height } = options;
  const planes = warpToPlanes(image, options);
  const plane = width * height;
  const data = new Uint8Array(plane * 4);
  for (let i = 0; i < plane; i++) {
    data[i * 4] = Math.round(planes[i]);
    data[i * 4 + 1] = Math.round(planes[plane + i]);
    data[i * 4 + 2] = Math.round(planes[2 * plane + i]);
    data[i * 4 + 3] = 255;
  }
  return { width, height, data };
}

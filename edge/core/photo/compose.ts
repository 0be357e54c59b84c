import type { RgbaImage } from '../image/decode.ts';
import { applyAffine, invertAffine, photoFootprint, photoPixelsPerModelPixel, type Affine } from './affine.ts';
import { sampleField, type Field } from './field.ts';
import type { FaceMask } from './mask.ts';

/** Longest side of a face crop returned with detail=keep: enough for a sharp portrait, bounded in memory and time. */
export const MAX_FACE_CROP_SIDE = 512;
/** Sub-samples per axis when a crop is smaller than the face in the photo (area filtering without aliasing). */
const MAX_SUBSAMPLES = 4;

const clampByte = (v: number) => (v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v));

/** The size of the model frame in photo pixels, at least the model's own size and at most `maxSide` on its longer side. */
export function nativeCropSize(toModel: Affine, modelWidth: number, modelHeight: number, maxSide = MAX_FACE_CROP_SIDE) {
  const scale = photoPixelsPerModelPixel(toModel);
  let width = Math.max(modelWidth, Math.round(modelWidth * scale.x));
  let height = Math.max(modelHeight, Math.round(modelHeight * scale.y));
  const shrink = Math.min(1, maxSide / Math.max(width, height));
  width = Math.max(1, Math.round(width * shrink));
  height = Math.max(1, Math.round(height * shrink));
  return { width, height };
}

/**
 * The photo's face, framed as the model frames it, at width×height: the photo's own detail, before any edit.
 * Each crop pixel averages n×n bilinear samples of its footprint, so a capped crop of a large face does not alias.
 */
export function faceCrop(photo: RgbaImage, toModel: Affine, model: { width: number; height: number }, size: { width: number; height: number }): RgbaImage {
  const back = invertAffine(toModel);
  const { width, height } = size;
  const su = model.width / width;
  const sv = model.height / height;
  const spread = photoPixelsPerModelPixel(toModel);
  const n = Math.min(MAX_SUBSAMPLES, Math.max(1, Math.ceil(Math.max(spread.x * su, spread.y * sv))));
  const out = new Uint8Array(width * height * 4);
  const rgb = new Float64Array(3);
  for (let j = 0; j < height; j++) {
    for (let i = 0; i < width; i++) {
      let r = 0;
      let g = 0;
      let b = 0;
      for (let sj = 0; sj < n; sj++) {
        for (let si = 0; si < n; si++) {
          const [x, y] = applyAffine(back, [(i + (si + 0.5) / n) * su, (j + (sj + 0.5) / n) * sv]);
          samplePhoto(photo, x, y, rgb);
          r += rgb[0];
          g += rgb[1];
          b += rgb[2];
        }
      }
      const o = 4 * (j * width + i);
      const k = n * n;
      out[o] = clampByte(r / k);
      out[o + 1] = clampByte(g / k);
      out[o + 2] = clampByte(b / k);
      out[o + 3] = 255;
    }
  }
  return { width, height, data: out };
}

/** Bilinear RGB of the photo at continuous position (x, y), edges clamped. */
function samplePhoto(photo: RgbaImage, x: number, y: number, out: Float64Array): void {
  const { width, height, data } = photo;
  const px = Math.min(width - 1, Math.max(0, x - 0.5));
  const py = Math.min(height - 1, Math.max(0, y - 0.5));
  const x0 = Math.floor(px);
  const y0 = Math.floor(py);
  const x1 = Math.min(width - 1, x0 + 1);
  const y1 = Math.min(height - 1, y0 + 1);
  const fx = px - x0;
  const fy = py - y0;
  for (let c = 0; c < 3; c++) {
    const top = data[4 * (y0 * width + x0) + c] * (1 - fx) + data[4 * (y0 * width + x1) + c] * fx;
    const bottom = data[4 * (y1 * width + x0) + c] * (1 - fx) + data[4 * (y1 * width + x1) + c] * fx;
    out[c] = top * (1 - fy) + bottom * fy;
  }
}

/**
 * Σ weight × crop + the field smoothly upsampled to the crops' size: an edit is one crop (weight 1) plus
 * Dec(z′) − Dec(z); a morph frame mixes both photos' crops plus Dec(z_t) − (1−t)·Dec(z_A) − t·Dec(z_B); with no crops
 * it is the decoder's output alone. With weights summing to 1 and a zero field the crop comes back byte for byte.
 */
export function renderCrop(crops: readonly { image: RgbaImage; weight: number }[], field: Field, size: { width: number; height: number }): RgbaImage {
  const { width, height } = size;
  if (crops.some((c) => c.image.width !== width || c.image.height !== height)) throw new Error('renderCrop: crops differ in size');
  const out = new Uint8Array(width * height * 4);
  const value = new Float64Array(field.channels);
  const su = field.width / width;
  const sv = field.height / height;
  for (let j = 0; j < height; j++) {
    for (let i = 0; i < width; i++) {
      sampleField(field, (i + 0.5) * su, (j + 0.5) * sv, value);
      const o = 4 * (j * width + i);
      for (let c = 0; c < 3; c++) {
        let v = value[field.channels === 1 ? 0 : c];
        for (const crop of crops) v += crop.weight * crop.image.data[o + c];
        out[o + c] = clampByte(v);
      }
      out[o + 3] = 255;
    }
  }
  return { width, height, data: out };
}

/**
 * The field and the mask multiplied out once on the mask's grid (m, m·r, m·g, m·b per cell), so each photo pixel under
 * the face costs one bilinear read instead of four.
 */
function maskedLayer(field: Field, mask: FaceMask): Float32Array {
  const layer = new Float32Array(4 * mask.width * mask.height);
  const value = new Float64Array(field.channels);
  for (let j = 0; j < mask.height; j++) {
    for (let i = 0; i < mask.width; i++) {
      const k = j * mask.width + i;
      const m = mask.data[k];
      if (m <= 0) continue;
      sampleField(field, (i + 0.5) / mask.scale, (j + 0.5) / mask.scale, value);
      layer[4 * k] = m;
      for (let c = 0; c < 3; c++) layer[4 * k + 1 + c] = m * value[field.channels === 1 ? 0 : c];
    }
  }
  return layer;
}

/**
 * The photo with the field laid over its face through the mask: 'add' adds a difference (detail=keep: the photo's
 * own pixels plus the edit), 'blend' fades to the decoder's output (detail=none). Only pixels under the mask's
 * support are visited; every other byte is the upload's own.
 */
export function pasteIntoPhoto(photo: RgbaImage, toModel: Affine, field: Field, mask: FaceMask, mode: 'add' | 'blend'): RgbaImage {
  const data = new Uint8Array(photo.data);
  const layer = maskedLayer(field, mask);
  const box = photoFootprint(toModel, mask.support, photo);
  const { width: gw, height: gh, scale } = mask;
  for (let y = box.top; y < box.top + box.height; y++) {
    // Grid position of the row's first pixel centre, then one constant step per pixel.
    let gx = (toModel.a * (box.left + 0.5) + toModel.c * (y + 0.5) + toModel.tx) * scale - 0.5;
    let gy = (toModel.b * (box.left + 0.5) + toModel.d * (y + 0.5) + toModel.ty) * scale - 0.5;
    const stepX = toModel.a * scale;
    const stepY = toModel.b * scale;
    for (let x = box.left; x < box.left + box.width; x++, gx += stepX, gy += stepY) {
      if (!(gx > -1 && gy > -1 && gx < gw && gy < gh)) continue;
      const x0 = Math.max(0, Math.min(gw - 2, Math.floor(gx)));
      const y0 = Math.max(0, Math.min(gh - 2, Math.floor(gy)));
      const fx = Math.min(1, Math.max(0, gx - x0));
      const fy = Math.min(1, Math.max(0, gy - y0));
      const p = 4 * (y0 * gw + x0);
      const q = p + 4 * gw;
      const w00 = (1 - fx) * (1 - fy);
      const w01 = fx * (1 - fy);
      const w10 = (1 - fx) * fy;
      const w11 = fx * fy;
      const m = w00 * layer[p] + w01 * layer[p + 4] + w10 * layer[q] + w11 * layer[q + 4];
      if (m <= 0) continue;
      const o = 4 * (y * photo.width + x);
      for (let c = 1; c < 4; c++) {
        const mf = w00 * layer[p + c] + w01 * layer[p + 4 + c] + w10 * layer[q + c] + w11 * layer[q + 4 + c];
        const own = data[o + c - 1];
        data[o + c - 1] = clampByte(mode === 'add' ? own + mf : own + mf - m * own);
      }
    }
  }
  return { width: photo.width, height: photo.height, data };
}

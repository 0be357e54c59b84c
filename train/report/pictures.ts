import { encodePng, tensorToRgba } from '#core/image/encode.ts';
import jpeg from 'jpeg-js';
import type { RgbaImage } from '#core/image/decode.ts';

/** Per-sample image geometry, CHW. */
export interface ImageShape {
  channels: number;
  height: number;
  width: number;
}

const GAP = 2;
const BACKGROUND = 255;

/** Scales up by an integer factor without smoothing, so pixels stay visible in the report. */
function magnify(image: RgbaImage, factor: number): RgbaImage {
  if (factor === 1) return image;
  const width = image.width * factor;
  const height = image.height * factor;
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    const sy = Math.floor(y / factor);
    for (let x = 0; x < width; x++) {
      const s = (sy * image.width + Math.floor(x / factor)) * 4;
      data.set(image.data.subarray(s, s + 4), (y * width + x) * 4);
    }
  }
  return { width, height, data };
}

/**
 * Lays out rows of model images (CHW floats in [0,1]) as one picture with white gaps. `null` leaves a
 * cell blank, so grids with a header column stay aligned.
 */
export function imageGrid(rows: (Float32Array | null)[][], shape: ImageShape, factor = 1): RgbaImage {
  const cellW = shape.width * factor;
  const cellH = shape.height * factor;
  const cols = Math.max(1, ...rows.map((r) => r.length));
  const width = cols * cellW + (cols + 1) * GAP;
  const height = rows.length * cellH + (rows.length + 1) * GAP;
  const data = new Uint8Array(width * height * 4).fill(BACKGROUND);
  rows.forEach((row, r) => {
    row.forEach((chw, c) => {
      if (!chw) return;
      const cell = magnify(tensorToRgba(chw, shape.channels, shape.height, shape.width), factor);
      const left = GAP + c * (cellW + GAP);
      const top = GAP + r * (cellH + GAP);
      for (let y = 0; y < cellH; y++) {
        data.set(cell.data.subarray(y * cellW * 4, (y + 1) * cellW * 4), ((top + y) * width + left) * 4);
      }
    });
  });
  return { width, height, data };
}

/** Places small images at 2-D positions (any range) on a square canvas: the latent map as the report shows it. */
export function scatterMap(points: ArrayLike<number>[], images: Float32Array[], shape: ImageShape, size: number): RgbaImage {
  if (points.length !== images.length) throw new Error(`scatterMap: ${points.length} points for ${images.length} images`);
  const data = new Uint8Array(size * size * 4).fill(BACKGROUND);
  if (points.length === 0) return { width: size, height: size, data };
  const xs = points.map((p) => p[0]);
  const ys = points.map((p) => p[1]);
  const [minX, maxX, minY, maxY] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const spanX = maxX - minX || 1;
  const spanY = maxY - minY || 1;
  const room = size - Math.max(shape.width, shape.height);
  images.forEach((chw, i) => {
    const tile = tensorToRgba(chw, shape.channels, shape.height, shape.width);
    const left = Math.round(((xs[i] - minX) / spanX) * room);
    const top = Math.round(((maxY - ys[i]) / spanY) * room);
    for (let y = 0; y < tile.height; y++) {
      data.set(tile.data.subarray(y * tile.width * 4, (y + 1) * tile.width * 4), ((top + y) * size + left) * 4);
    }
  });
  return { width: size, height: size, data };
}

export function pngDataUri(image: RgbaImage): string {
  return `data:image/png;base64,${Buffer.from(encodePng(image)).toString('base64')}`;
}

/**
 * A JPEG data URI, for figures of decoded images only (interpolations, samples, the latent map), where exact pixels
 * do not matter: faces compress several times better than as PNG, which keeps report.html (committed with each
 * model) small. Figures that compare pixels (reconstructions, edits) stay PNG.
 */
export function jpegDataUri(image: RgbaImage, quality = 85): string {
  const encoded = jpeg.encode({ data: Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength), width: image.width, height: image.height }, quality);
  return `data:image/jpeg;base64,${encoded.data.toString('base64')}`;
}

/** Pixel-exact PNG bytes of a picture. */
export function pngBytes(image: RgbaImage): Uint8Array {
  return encodePng(image);
}

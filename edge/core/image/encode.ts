import { encode as encodePngPixels } from 'fast-png';
import * as gifencModule from 'gifenc';
import type { Palette } from 'gifenc';
import type { RgbaImage } from './decode.ts';
import { resamplePlanes } from './resample.ts';

// gifenc's CommonJS build hides its named exports from Node's ESM loader (they sit on the default export),
// while bundlers pick its ESM build where they are real named exports; this finds them in either case.
type Gifenc = typeof import('gifenc');
const gifenc: Gifenc = 'GIFEncoder' in gifencModule ? gifencModule : (gifencModule as unknown as { default: Gifenc }).default;
const { GIFEncoder, applyPalette, quantize } = gifenc;

/** One model output image (CHW floats in [0,1], 1 or 3 channels) -> RGBA bytes. */
export function tensorToRgba(chw: Float32Array, channels: number, height: number, width: number): RgbaImage {
  const n = width * height;
  if (chw.length !== channels * n) throw new Error(`tensorToRgba: ${chw.length} values for ${channels}×${height}×${width}`);
  const data = new Uint8Array(4 * n);
  const byte = (v: number) => (Number.isFinite(v) ? Math.round(Math.min(1, Math.max(0, v)) * 255) : 0);
  for (let p = 0; p < n; p++) {
    for (let c = 0; c < 3; c++) data[4 * p + c] = byte(chw[(channels === 1 ? 0 : c) * n + p]);
    data[4 * p + 3] = 255;
  }
  return { width, height, data };
}

export type UpscaleKernel = 'nearest' | 'bilinear';

/** Nearest-neighbour scaling copies whole pixels: 4.2 MP of `?size=` output in tens of milliseconds, not a second. */
function scaleNearest(image: RgbaImage, width: number, height: number): RgbaImage {
  const source = new Uint32Array(image.data.slice().buffer);
  const out = new Uint32Array(width * height);
  const column = Int32Array.from({ length: width }, (_, o) => Math.min(image.width - 1, Math.floor(((o + 0.5) * image.width) / width)));
  for (let y = 0; y < height; y++) {
    const from = Math.min(image.height - 1, Math.floor(((y + 0.5) * image.height) / height)) * image.width;
    for (let x = 0; x < width; x++) out[y * width + x] = source[from + column[x]];
  }
  return { width, height, data: new Uint8Array(out.buffer) };
}

/** Scales an opaque image so its longer side is `size` pixels. */
export function scaleImage(image: RgbaImage, size: number, kernel: UpscaleKernel): RgbaImage {
  const scale = size / Math.max(image.width, image.height);
  const width = Math.max(1, Math.round(image.width * scale));
  const height = Math.max(1, Math.round(image.height * scale));
  if (width === image.width && height === image.height) return image;
  if (kernel === 'nearest') return scaleNearest(image, width, height);
  const n = image.width * image.height;
  const planes = [0, 1, 2].map(() => new Float32Array(n));
  for (let p = 0; p < n; p++) for (let c = 0; c < 3; c++) planes[c][p] = image.data[4 * p + c];
  const region = { left: 0, top: 0, width: image.width, height: image.height };
  const scaled = resamplePlanes(planes, image.width, image.height, region, width, height, kernel);
  const data = new Uint8Array(width * height * 4);
  for (let p = 0; p < width * height; p++) {
    for (let c = 0; c < 3; c++) data[4 * p + c] = Math.round(Math.min(255, Math.max(0, scaled[c][p])));
    data[4 * p + 3] = 255;
  }
  return { width, height, data };
}

/** Places equally sized images side by side, left to right. */
export function horizontalStrip(images: RgbaImage[]): RgbaImage {
  if (images.length === 0) throw new Error('horizontalStrip: no images');
  const { width, height } = images[0];
  if (images.some((i) => i.width !== width || i.height !== height)) throw new Error('horizontalStrip: images differ in size');
  const total = width * images.length;
  const data = new Uint8Array(total * height * 4);
  images.forEach((image, k) => {
    for (let y = 0; y < height; y++) {
      data.set(image.data.subarray(y * width * 4, (y + 1) * width * 4), (y * total + k * width) * 4);
    }
  });
  return { width: total, height, data };
}

const isGray = (image: RgbaImage) => {
  const d = image.data;
  for (let i = 0; i < d.length; i += 4) if (d[i] !== d[i + 1] || d[i] !== d[i + 2]) return false;
  return true;
};

/** Encodes an opaque image as an 8-bit PNG, grey when every pixel is grey (a third of the size). */
export function encodePng(image: RgbaImage): Uint8Array {
  const n = image.width * image.height;
  const channels = isGray(image) ? 1 : 3;
  const data = new Uint8Array(n * channels);
  for (let p = 0; p < n; p++) for (let c = 0; c < channels; c++) data[p * channels + c] = image.data[4 * p + c];
  return encodePngPixels({ width: image.width, height: image.height, data, channels, depth: 8 });
}

const GRAY_PALETTE: Palette = Array.from({ length: 256 }, (_, v) => [v, v, v]);

/** Encodes frames as a looping GIF with one palette shared by all frames, so colours do not flicker. */
export function encodeGif(frames: RgbaImage[], delayMs: number): Uint8Array {
  if (frames.length === 0) throw new Error('encodeGif: no frames');
  const { width, height } = frames[0];
  const gray = frames.every(isGray);
  const all = new Uint8Array(frames.reduce((sum, f) => sum + f.data.length, 0));
  frames.reduce((offset, f) => (all.set(f.data, offset), offset + f.data.length), 0);
  // Binning colours at 4 bits per channel makes the palette search ~10× cheaper on photo-like frames (it dominated
  // a morph's GIF); each palette entry is still the full-precision mean of the pixels in its bin.
  const palette = gray ? GRAY_PALETTE : quantize(all, 256, { format: 'rgb444' });
  // One applyPalette call for all frames: each call allocates a 64K-entry colour cache.
  const indexed = gray ? Uint8Array.from({ length: all.length / 4 }, (_, p) => all[4 * p]) : applyPalette(all, palette);
  const gif = GIFEncoder();
  const n = width * height;
  frames.forEach((_, k) => {
    gif.writeFrame(indexed.subarray(k * n, (k + 1) * n), width, height, { palette: k === 0 ? palette : undefined, delay: delayMs, repeat: 0 });
  });
  gif.finish();
  return gif.bytes();
}

import encode, { init } from '@jsquash/jpeg/encode.js';
import type { RgbaImage } from './decode.ts';

/**
 * JPEG encoding is handed to the app by each runtime: no JavaScript encoder is fast enough for a 12 MP photo, and
 * each runtime has its own fast one (libvips on Node, mozjpeg compiled to wasm where native code cannot run).
 */
export type JpegEncoder = (image: RgbaImage, quality: number) => Promise<Uint8Array>;

/** The quality photos come back at when JPEG in gives JPEG out: visually lossless for a once re-encoded photo. */
export const JPEG_QUALITY = 90;

/**
 * mozjpeg as wasm (@jsquash/jpeg), for runtimes without native code (Workers). Workers compile wasm only at upload
 * time, so the caller passes the compiled module. Baseline, not progressive: half the encoding time of mozjpeg's
 * defaults for 8 % larger files (a 640×480 photo here).
 */
export function wasmJpegEncoder(module: WebAssembly.Module): JpegEncoder {
  let ready: Promise<void> | undefined;
  return async (image, quality) => {
    ready ??= init(module);
    await ready;
    const data = new Uint8ClampedArray(image.data.buffer, image.data.byteOffset, image.data.byteLength);
    const bytes = await encode({ width: image.width, height: image.height, data, colorSpace: 'srgb' } as ImageData, {
      quality,
      baseline: true,
      progressive: false,
    });
    return new Uint8Array(bytes);
  };
}

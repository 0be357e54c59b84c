import decode, { init as initDecoder } from '@jsquash/jpeg/decode.js';
import encode, { init } from '@jsquash/jpeg/encode.js';
import { once } from '../once.ts';
import type { RgbaImage } from './decode.ts';
import type { PixelDecoder, ScaledJpegDecoder } from './upload.ts';

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
  const ready = once(async () => void (await init(module)));
  return async (image, quality) => {
    await ready();
    const data = new Uint8ClampedArray(image.data.buffer, image.data.byteOffset, image.data.byteLength);
    const bytes = await encode({ width: image.width, height: image.height, data, colorSpace: 'srgb' } as ImageData, {
      quality,
      baseline: true,
      progressive: false,
    });
    return new Uint8Array(bytes);
  };
}

/** Stored JPEG pixels (before EXIF orientation); the header has been checked against the limits. */
export type JpegDecoder = PixelDecoder;

/**
 * mozjpeg's decoder as wasm (@jsquash/jpeg), on Node and Workers alike so both read an upload to the same pixels:
 * 7× faster than jpeg-js on a 640×480 photo and 10× on 12 MP (docs/benchmarks.md, "Your own photo back").
 */
export function wasmJpegDecoder(module: WebAssembly.Module): JpegDecoder {
  const ready = once(async () => void (await initDecoder(module)));
  return async (bytes) => {
    await ready();
    const image = await decode(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
    return { width: image.width, height: image.height, data: new Uint8Array(image.data.buffer, image.data.byteOffset, image.data.byteLength) };
  };
}

/** The JPEG reader and writer a runtime hands the app (see JpegEncoder for why they are injected). */
export interface JpegCodec {
  encode: JpegEncoder;
  decode: JpegDecoder;
  /** Photos over the decode budget, read at reduced scale (up to SCALED_JPEG_LIMITS); without it they are refused (422). */
  decodeScaled?: ScaledJpegDecoder;
}

/** Both directions as wasm, for Workers; the modules are those wrangler compiled at upload time. */
export function wasmJpegCodec(modules: { encoder: WebAssembly.Module; decoder: WebAssembly.Module }): JpegCodec {
  return { encode: wasmJpegEncoder(modules.encoder), decode: wasmJpegDecoder(modules.decoder) };
}

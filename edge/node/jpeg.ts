import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import sharp from 'sharp';
import { wasmJpegDecoder, type JpegCodec, type JpegEncoder } from '#core/image/jpeg-codec.ts';
import { SCALED_JPEG_LIMITS, type ScaledJpegDecoder } from '#core/image/upload.ts';

// Requests already run one per core; libvips' own thread pool would oversubscribe them.
sharp.concurrency(1);

/** libvips (libjpeg-turbo with SIMD): a 640×480 photo in about 7 ms and 12 MP in about 250 ms here. */
export const sharpJpegEncoder: JpegEncoder = async (image, quality) => {
  const rgba = sharp(image.data, { raw: { width: image.width, height: image.height, channels: 4 } });
  return new Uint8Array(await rgba.removeAlpha().jpeg({ quality, chromaSubsampling: '4:2:0' }).toBuffer());
};

/**
 * libvips reads a JPEG at 1/2, 1/4 or 1/8 scale in the DCT (shrink-on-load) and streams the rest of the reduction, so
 * a 50 MP photo never exists at full size: the memory is the output and a few strips. mozjpeg wasm has no scaling.
 */
export const sharpScaledJpegDecoder: ScaledJpegDecoder = async (bytes, width, height) => {
  const { data, info } = await sharp(bytes, { limitInputPixels: SCALED_JPEG_LIMITS.maxPixels, failOn: 'error' })
    .resize(width, height, { fit: 'fill' })
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
};

const mozjpegDecoder = () => {
  const path = createRequire(import.meta.url).resolve('@jsquash/jpeg/codec/dec/mozjpeg_dec.wasm');
  return new WebAssembly.Module(readFileSync(path));
};

/**
 * Writes with libvips; reads with the same mozjpeg wasm as Workers, so both runtimes see an upload as the same pixels
 * (libvips' decoder is faster still but rounds differently). Photos over the decode budget, which Workers refuse, are
 * read at reduced scale by libvips.
 */
export function nodeJpegCodec(): JpegCodec {
  return { encode: sharpJpegEncoder, decode: wasmJpegDecoder(mozjpegDecoder()), decodeScaled: sharpScaledJpegDecoder };
}

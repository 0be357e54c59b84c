import decode, { init } from '@jsquash/webp/decode.js';
import type { PixelDecoder } from './upload.ts';

/**
 * libwebp's decoder as wasm (@jsquash/webp), the same on Node, Workers and in the browser. Workers compile wasm only
 * at upload time, so the caller passes the compiled module, as for mozjpeg (jpeg-codec.ts).
 */
export function wasmWebpDecoder(module: WebAssembly.Module): PixelDecoder {
  let ready: Promise<void> | undefined;
  return async (bytes) => {
    ready ??= init(module);
    await ready;
    const image = await decode(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
    return { width: image.width, height: image.height, data: new Uint8Array(image.data.buffer, image.data.byteOffset, image.data.byteLength) };
  };
}

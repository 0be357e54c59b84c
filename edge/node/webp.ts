import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { wasmWebpDecoder } from '#core/image/webp-codec.ts';
import type { PixelDecoder } from '#core/image/upload.ts';

/** The same libwebp wasm as on Workers, so both runtimes read a WebP upload to the same pixels. */
export function nodeWebpDecoder(): PixelDecoder {
  const path = createRequire(import.meta.url).resolve('@jsquash/webp/codec/dec/webp_dec.wasm');
  return wasmWebpDecoder(new WebAssembly.Module(readFileSync(path)));
}

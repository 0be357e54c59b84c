import { encode as encodePng } from 'fast-png';
import jpeg from 'jpeg-js';
import { Random } from '#core/random.ts';
import { chwToRgba, syntheticImage } from '../../train/testing/synthetic-images.ts';

/** A synthetic shape picture of any size as RGBA, drawn square then stretched so crops have work to do. */
export function syntheticRgba(seed: number, width: number, height: number): Uint8Array {
  const side = Math.max(width, height);
  const square = chwToRgba(syntheticImage(Random.fromSeed(seed), side).pixels, side, side);
  const out = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const from = (Math.floor((y * side) / height) * side + Math.floor((x * side) / width)) * 4;
      out.set(square.subarray(from, from + 4), (y * width + x) * 4);
    }
  }
  return out;
}

export function syntheticPng(seed: number, width = 40, height = 32): Uint8Array {
  return encodePng({ width, height, data: syntheticRgba(seed, width, height), channels: 4, depth: 8 });
}

export function syntheticJpeg(seed: number, width = 40, height = 32): Uint8Array {
  const encoded = jpeg.encode({ width, height, data: syntheticRgba(seed, width, height) }, 90);
  return new Uint8Array(encoded.data);
}

/** A PNG whose IHDR claims width×height but which carries no real pixels: a decompression-bomb probe. */
export function forgedPngHeader(width: number, height: number): Uint8Array {
  const bytes = new Uint8Array(8 + 25 + 12);
  bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const view = new DataView(bytes.buffer);
  view.setUint32(8, 13);
  bytes.set([0x49, 0x48, 0x44, 0x52], 12);
  view.setUint32(16, width);
  view.setUint32(20, height);
  bytes.set([8, 6, 0, 0, 0], 24);
  view.setUint32(33, 0);
  bytes.set([0x49, 0x45, 0x4e, 0x44], 37);
  return bytes;
}

/** A WebP (VP8X) header that declares `width`×`height` and holds no pixels. */
export function forgedWebpHeader(width: number, height: number): Uint8Array {
  const bytes = new Uint8Array(40);
  bytes.set(Array.from('RIFF\0\0\0\0WEBPVP8X', (c) => c.charCodeAt(0)));
  const u24 = (at: number, value: number) => bytes.set([value & 0xff, (value >> 8) & 0xff, (value >> 16) & 0xff], at);
  u24(24, width - 1);
  u24(27, height - 1);
  return bytes;
}

/** A GIF header claiming width×height, with nothing after it. */
export function forgedGifHeader(width: number, height: number): Uint8Array {
  const bytes = new Uint8Array(13);
  bytes.set(Array.from('GIF89a', (c) => c.charCodeAt(0)));
  const view = new DataView(bytes.buffer);
  view.setUint16(6, width, true);
  view.setUint16(8, height, true);
  return bytes;
}

/** A JPEG whose start-of-frame claims width×height. */
export function forgedJpegHeader(width: number, height: number): Uint8Array {
  const bytes = new Uint8Array([0xff, 0xd8, 0xff, 0xc0, 0x00, 0x11, 0x08, 0, 0, 0, 0, 0x03, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1, 0xff, 0xd9]);
  const view = new DataView(bytes.buffer);
  view.setUint16(7, height);
  view.setUint16(9, width);
  return bytes;
}

/** The JPEG with an EXIF APP1 segment (big-endian TIFF, one IFD entry: orientation) inserted after its SOI marker. */
export function withExifOrientation(jpegBytes: Uint8Array, orientation: number): Uint8Array {
  const tiff = [0x4d, 0x4d, 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, orientation, 0, 0, 0, 0, 0, 0, 0, 0];
  const payload = [0x45, 0x78, 0x69, 0x66, 0, 0, ...tiff];
  const length = payload.length + 2;
  const segment = [0xff, 0xe1, length >> 8, length & 0xff, ...payload];
  const out = new Uint8Array(jpegBytes.length + segment.length);
  out.set(jpegBytes.subarray(0, 2));
  out.set(segment, 2);
  out.set(jpegBytes.subarray(2), 2 + segment.length);
  return out;
}

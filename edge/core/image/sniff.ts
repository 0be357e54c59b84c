import { InputError } from '../errors.ts';

export type ImageFormat = 'png' | 'jpeg' | 'gif' | 'webp';

export const IMAGE_MEDIA_TYPES: Record<ImageFormat, string> = {
  png: 'image/png',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
};

export interface ImageLimits {
  maxWidth: number;
  maxHeight: number;
  maxPixels: number;
}

export const DEFAULT_IMAGE_LIMITS: ImageLimits = { maxWidth: 4096, maxHeight: 4096, maxPixels: 16_000_000 };

const startsWith = (bytes: Uint8Array, prefix: number[], at = 0) => prefix.every((b, i) => bytes[at + i] === b);
const ascii = (text: string) => Array.from(text, (c) => c.charCodeAt(0));

/** Identifies an image by its magic bytes; the declared content type is never trusted. */
export function sniffImageFormat(bytes: Uint8Array): ImageFormat | undefined {
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (startsWith(bytes, ascii('GIF87a')) || startsWith(bytes, ascii('GIF89a'))) return 'gif';
  if (startsWith(bytes, ascii('RIFF')) && startsWith(bytes, ascii('WEBP'), 8)) return 'webp';
  return undefined;
}

const truncated = (format: ImageFormat) =>
  new InputError(400, 'corrupt_image', `the ${format.toUpperCase()} header is truncated or corrupt`);

function pngSize(bytes: Uint8Array, view: DataView) {
  if (bytes.length < 24 || !startsWith(bytes, ascii('IHDR'), 12)) throw truncated('png');
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

// JPEG keeps its size in the first start-of-frame segment, after any number of APPn/DQT/DHT segments.
function jpegSize(bytes: Uint8Array, view: DataView) {
  let offset = 2;
  while (offset + 4 <= bytes.length) {
    if (bytes[offset] !== 0xff) throw truncated('jpeg');
    const marker = bytes[offset + 1];
    if (marker === 0xff) {
      offset += 1;
      continue;
    }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8)) {
      offset += 2;
      continue;
    }
    if (marker === 0xd9 || marker === 0xda) break;
    const length = view.getUint16(offset + 2);
    if (length < 2) throw truncated('jpeg');
    const isStartOfFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isStartOfFrame) {
      if (offset + 9 > bytes.length) throw truncated('jpeg');
      return { height: view.getUint16(offset + 5), width: view.getUint16(offset + 7) };
    }
    offset += 2 + length;
  }
  throw truncated('jpeg');
}

function gifSize(bytes: Uint8Array, view: DataView) {
  if (bytes.length < 10) throw truncated('gif');
  return { width: view.getUint16(6, true), height: view.getUint16(8, true) };
}

function webpSize(bytes: Uint8Array, view: DataView) {
  if (bytes.length < 30) throw truncated('webp');
  const chunk = String.fromCharCode(...bytes.subarray(12, 16));
  if (chunk === 'VP8 ') return { width: view.getUint16(26, true) & 0x3fff, height: view.getUint16(28, true) & 0x3fff };
  if (chunk === 'VP8L') {
    const bits = view.getUint32(21, true);
    return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
  }
  if (chunk === 'VP8X') {
    const u24 = (at: number) => bytes[at] | (bytes[at + 1] << 8) | (bytes[at + 2] << 16);
    return { width: u24(24) + 1, height: u24(27) + 1 };
  }
  throw truncated('webp');
}

export interface ImageHeader {
  format: ImageFormat;
  width: number;
  height: number;
}

/**
 * Reads format and size from the header alone and enforces the limits before any pixel is decoded,
 * so a tiny file that claims 60000×60000 pixels is refused without allocating for it.
 */
export function readImageHeader(bytes: Uint8Array, limits: ImageLimits = DEFAULT_IMAGE_LIMITS): ImageHeader {
  if (bytes.length === 0) throw new InputError(400, 'empty_image', 'the image is empty (0 bytes)');
  const format = sniffImageFormat(bytes);
  if (!format) {
    throw new InputError(415, 'unsupported_image', 'the bytes are not a PNG, JPEG, GIF or WebP image (checked by content, not by the declared type)');
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const readers = { png: pngSize, jpeg: jpegSize, gif: gifSize, webp: webpSize };
  const { width, height } = readers[format](bytes, view);
  if (width === 0 || height === 0) {
    throw new InputError(422, 'empty_dimensions', `the ${format.toUpperCase()} header says ${width}×${height}: an image needs at least one pixel`);
  }
  if (width > limits.maxWidth || height > limits.maxHeight || width * height > limits.maxPixels) {
    throw new InputError(
      422,
      'image_too_large',
      `the image is ${width}×${height}; the limit is ${limits.maxWidth}×${limits.maxHeight} and ${limits.maxPixels} pixels`,
      { width, height, ...limits },
    );
  }
  return { format, width, height };
}

import { Unzlib, zlibSync } from 'fflate';
import { crc32 } from './png.ts';
import type { ImageFormat } from './sniff.ts';

/*
 * ICC colour profiles, carried from an upload to the answer made from its pixels. A phone photo is often in
 * Display P3 and says so only through its embedded profile; an answer without it is shown as sRGB, so every colour
 * of the returned photo, not just the edited face, would come back duller. The answer's pixels are the upload's own
 * (plus the edit), so the upload's profile describes them. Hand-written: the segment and chunk layouts are a few
 * lines each, and the metadata libraries on npm parse far more than this and lean on Node's Buffer. Anything
 * malformed reads as "no profile": a broken profile must not make a decodable photo fail.
 */

/** ICC.1 allows larger profiles, but real ones (sRGB, Display P3, camera and printer profiles) stay far below. */
export const MAX_ICC_BYTES = 1 << 20;
const ICC_ID = new TextEncoder().encode('ICC_PROFILE\0');
const JPEG_ICC_CHUNK = 65535 - 2 - ICC_ID.length - 2;
/** A profile of MAX_ICC_BYTES needs 17 APP2 segments; other metadata segments before the scan are few. */
const MAX_JPEG_SEGMENTS = 128;

const startsWith = (bytes: Uint8Array, offset: number, prefix: Uint8Array) => prefix.every((b, i) => bytes[offset + i] === b);

export function readIccProfile(bytes: Uint8Array, format: ImageFormat): Uint8Array | undefined {
  try {
    if (format === 'jpeg') return jpegProfile(bytes);
    if (format === 'png') return pngProfile(bytes);
  } catch {
    return undefined;
  }
  return undefined;
}

function jpegProfile(bytes: Uint8Array): Uint8Array | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const parts = new Map<number, Uint8Array>();
  let count = 0;
  let offset = 2;
  for (let segment = 0; segment < MAX_JPEG_SEGMENTS && offset + 4 <= bytes.length && bytes[offset] === 0xff; segment++) {
    const marker = bytes[offset + 1];
    if (marker === 0xda || marker === 0xd9) break;
    const length = view.getUint16(offset + 2);
    if (length < 2 || offset + 2 + length > bytes.length) return undefined;
    if (marker === 0xe2 && length > 2 + ICC_ID.length + 2 && startsWith(bytes, offset + 4, ICC_ID)) {
      const header = offset + 4 + ICC_ID.length;
      count = bytes[header + 1];
      parts.set(bytes[header], bytes.subarray(header + 2, offset + 2 + length));
    }
    offset += 2 + length;
  }
  if (count === 0 || parts.size !== count) return undefined;
  const ordered = Array.from({ length: count }, (_, k) => parts.get(k + 1));
  if (ordered.some((part) => !part)) return undefined;
  return concatenate(ordered as Uint8Array[], MAX_ICC_BYTES);
}

function concatenate(parts: readonly Uint8Array[], limit = Infinity): Uint8Array | undefined {
  const total = parts.reduce((sum, part) => sum + part.length, 0);
  if (total > limit) return undefined;
  const out = new Uint8Array(total);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

function pngProfile(bytes: Uint8Array): Uint8Array | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let offset = 8; offset + 12 <= bytes.length; ) {
    const length = view.getUint32(offset);
    const type = String.fromCharCode(...bytes.subarray(offset + 4, offset + 8));
    if (type === 'IDAT' || type === 'IEND' || offset + 12 + length > bytes.length) return undefined;
    if (type === 'iCCP') {
      const data = bytes.subarray(offset + 8, offset + 8 + length);
      const nameEnd = data.indexOf(0);
      if (nameEnd < 1 || nameEnd > 79 || data[nameEnd + 1] !== 0) return undefined;
      return inflateBounded(data.subarray(nameEnd + 2));
    }
    offset += 12 + length;
  }
  return undefined;
}

/** Inflates a zlib stream, giving up (undefined) as soon as it passes MAX_ICC_BYTES. */
function inflateBounded(compressed: Uint8Array): Uint8Array | undefined {
  const parts: Uint8Array[] = [];
  let total = 0;
  let ended = false;
  const inflater = new Unzlib((chunk, final) => {
    parts.push(chunk);
    total += chunk.length;
    ended ||= final;
  });
  for (let at = 0; at < compressed.length && total <= MAX_ICC_BYTES; at += 1024) {
    inflater.push(compressed.subarray(at, at + 1024), at + 1024 >= compressed.length);
  }
  return ended ? concatenate(parts, MAX_ICC_BYTES) : undefined;
}

/** `encoded` (a JPEG or PNG this server made) with `profile` embedded: APP2 segments after SOI, or iCCP after IHDR. */
export function withIccProfile(encoded: Uint8Array, format: 'jpeg' | 'png', profile: Uint8Array | undefined): Uint8Array {
  // readIccProfile returns at most MAX_ICC_BYTES, which fits JPEG's 255 numbered segments.
  if (!profile || profile.length > MAX_ICC_BYTES) return encoded;
  if (format === 'png') {
    const body = new Uint8Array([...new TextEncoder().encode('ICC Profile'), 0, 0, ...zlibSync(profile)]);
    const chunk = new Uint8Array(12 + body.length);
    const view = new DataView(chunk.buffer);
    view.setUint32(0, body.length);
    chunk.set(new TextEncoder().encode('iCCP'), 4);
    chunk.set(body, 8);
    view.setUint32(8 + body.length, crc32(chunk.subarray(4, 8 + body.length)));
    const afterHeader = 8 + 25; // signature, then IHDR: length, type, 13 bytes, CRC
    return concatenate([encoded.subarray(0, afterHeader), chunk, encoded.subarray(afterHeader)])!;
  }
  const count = Math.ceil(profile.length / JPEG_ICC_CHUNK);
  const segments = Array.from({ length: count }, (_, k) => {
    const part = profile.subarray(k * JPEG_ICC_CHUNK, (k + 1) * JPEG_ICC_CHUNK);
    const segment = new Uint8Array(4 + ICC_ID.length + 2 + part.length);
    segment.set([0xff, 0xe2, (segment.length - 2) >> 8, (segment.length - 2) & 0xff]);
    segment.set(ICC_ID, 4);
    segment.set([k + 1, count], 4 + ICC_ID.length);
    segment.set(part, 6 + ICC_ID.length);
    return segment;
  });
  // JFIF's APP0, when the encoder wrote one, must stay the first segment.
  const app0 = encoded[2] === 0xff && encoded[3] === 0xe0 ? 2 + ((encoded[4] << 8) | encoded[5]) : 0;
  const at = 2 + app0;
  return concatenate([encoded.subarray(0, at), ...segments, encoded.subarray(at)])!;
}

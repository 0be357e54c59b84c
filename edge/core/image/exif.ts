import type { RgbaImage } from './decode.ts';

/**
 * EXIF orientation (TIFF tag 0x0112) of a JPEG: 1 (as stored) to 8. Phones store a portrait photo as landscape
 * pixels plus this tag, and browsers show it turned; the API must turn it too or it sees the face sideways.
 * Hand-written because only one tag of one IFD is needed: the EXIF libraries on npm parse every tag (and some pull
 * in Node's Buffer), which the web-standard core cannot take. Every read is bounds-checked; anything malformed
 * reads as 1, since a broken tag must not make a decodable photo fail.
 */
export type Orientation = 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8;

const EXIF_ID = [0x45, 0x78, 0x69, 0x66, 0, 0]; // "Exif\0\0"
/** Markers before the first scan are few; a file claiming hundreds is malformed. */
const MAX_SEGMENTS = 64;

export function jpegOrientation(bytes: Uint8Array): Orientation {
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) return 1;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 2;
  for (let segment = 0; segment < MAX_SEGMENTS && offset + 4 <= bytes.length; segment++) {
    if (bytes[offset] !== 0xff) return 1;
    const marker = bytes[offset + 1];
    // Start of scan or end of image: the metadata segments are all before it.
    if (marker === 0xda || marker === 0xd9) return 1;
    const length = view.getUint16(offset + 2);
    if (length < 2 || offset + 2 + length > bytes.length) return 1;
    if (marker === 0xe1 && EXIF_ID.every((b, i) => bytes[offset + 4 + i] === b)) {
      return tiffOrientation(view, offset + 10, offset + 2 + length);
    }
    offset += 2 + length;
  }
  return 1;
}

function tiffOrientation(view: DataView, start: number, end: number): Orientation {
  if (start + 8 > end) return 1;
  const order = view.getUint16(start);
  if (order !== 0x4949 && order !== 0x4d4d) return 1;
  const little = order === 0x4949;
  const ifd = start + view.getUint32(start + 4, little);
  if (ifd + 2 > end) return 1;
  const entries = view.getUint16(ifd, little);
  for (let k = 0; k < entries; k++) {
    const entry = ifd + 2 + 12 * k;
    if (entry + 12 > end) return 1;
    if (view.getUint16(entry, little) !== 0x0112) continue;
    const value = view.getUint16(entry + 8, little);
    return value >= 1 && value <= 8 ? (value as Orientation) : 1;
  }
  return 1;
}

/**
 * The pixels as a viewer shows them. For each output pixel (x, y) the stored pixel it comes from; orientations
 * 5–8 swap width and height.
 */
export function applyOrientation(image: RgbaImage, orientation: Orientation): RgbaImage {
  if (orientation === 1) return image;
  const { width: w, height: h, data } = image;
  const swap = orientation >= 5;
  const outW = swap ? h : w;
  const outH = swap ? w : h;
  const out = new Uint32Array(outW * outH);
  const words = data.byteOffset % 4 === 0 ? data : data.slice();
  const source = new Uint32Array(words.buffer, words.byteOffset, w * h);
  const from = sourceIndex(orientation, w, h);
  for (let y = 0; y < outH; y++) for (let x = 0; x < outW; x++) out[y * outW + x] = source[from(x, y)];
  return { width: outW, height: outH, data: new Uint8Array(out.buffer) };
}

function sourceIndex(orientation: Orientation, w: number, h: number): (x: number, y: number) => number {
  switch (orientation) {
    case 2: return (x, y) => y * w + (w - 1 - x);
    case 3: return (x, y) => (h - 1 - y) * w + (w - 1 - x);
    case 4: return (x, y) => (h - 1 - y) * w + x;
    case 5: return (x, y) => x * w + y;
    case 6: return (x, y) => (h - 1 - x) * w + y;
    case 7: return (x, y) => (h - 1 - x) * w + (w - 1 - y);
    case 8: return (x, y) => x * w + (w - 1 - y);
    default: return (x, y) => y * w + x;
  }
}

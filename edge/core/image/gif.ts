import { GifReader } from 'omggif';
import { InputError } from '../errors.ts';
import type { RgbaImage } from './decode.ts';

const corrupt = (reason: string) => new InputError(400, 'corrupt_image', `the GIF image could not be decoded: ${reason}`);

/** Offset just past a run of data sub-blocks (size byte, bytes; a 0 size ends the run). */
function skipSubBlocks(bytes: Uint8Array, offset: number): number {
  while (offset < bytes.length) {
    const size = bytes[offset];
    offset += 1 + size;
    if (size === 0) return offset;
  }
  throw corrupt('a data block runs past the end of the file (truncated?)');
}

/**
 * Walks the blocks up to the end of the first image and checks that image lies inside the logical screen.
 * omggif parses every frame of a file up front and decodes a frame into a buffer of the frame's own size (a 1×1
 * screen may declare a 65535×65535 frame), so it is only ever handed the first frame, checked, plus a trailer.
 */
function firstFrameOnly(bytes: Uint8Array): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 13) throw corrupt('the header is truncated');
  const [screenWidth, screenHeight] = [view.getUint16(6, true), view.getUint16(8, true)];
  let offset = 13 + (bytes[10] & 0x80 ? 3 * 2 ** ((bytes[10] & 7) + 1) : 0);
  while (offset < bytes.length) {
    const introducer = bytes[offset];
    if (introducer === 0x21) offset = skipSubBlocks(bytes, offset + 2);
    else if (introducer === 0x2c) {
      if (offset + 10 > bytes.length) throw corrupt('an image descriptor is truncated');
      const [left, top, width, height] = [0, 2, 4, 6].map((k) => view.getUint16(offset + 1 + k, true));
      if (left + width > screenWidth || top + height > screenHeight) {
        throw corrupt(`the first frame (${width}×${height} at ${left},${top}) lies outside the ${screenWidth}×${screenHeight} screen`);
      }
      const packed = bytes[offset + 9];
      const localTable = packed & 0x80 ? 3 * 2 ** ((packed & 7) + 1) : 0;
      const end = skipSubBlocks(bytes, offset + 10 + localTable + 1);
      const out = new Uint8Array(end + 1);
      out.set(bytes.subarray(0, end));
      out[end] = 0x3b;
      return out;
    } else if (introducer === 0x3b) throw corrupt('the file has no image');
    else throw corrupt(`unknown block 0x${introducer.toString(16)}`);
  }
  throw corrupt('the file ends before its first image (truncated?)');
}

/** Decodes the first frame of a GIF onto its logical screen as RGBA (transparent pixels stay 0). */
export function decodeGif(bytes: Uint8Array): RgbaImage {
  const firstFrame = firstFrameOnly(bytes);
  try {
    const reader = new GifReader(firstFrame);
    const data = new Uint8Array(reader.width * reader.height * 4);
    reader.decodeAndBlitFrameRGBA(0, data);
    return { width: reader.width, height: reader.height, data };
  } catch (error) {
    throw corrupt((error as Error).message);
  }
}

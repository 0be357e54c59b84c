import jpeg from 'jpeg-js';
import { InputError } from '../errors.ts';
import type { RgbaImage } from './decode.ts';
import type { ImageLimits } from './sniff.ts';

/**
 * Scans one JPEG may hold. jpeg-js revisits every block of the image on each scan, so a 600 KB progressive file of
 * 10,000 tiny scans costs minutes of CPU. Encoders write ~10 (libjpeg's progressive script) and rarely over 30;
 * libjpeg-turbo's tools suggest refusing more than 500, which at 16 MP is still ~1 s of jpeg-js here.
 */
export const MAX_JPEG_SCANS = 100;

const corrupt = (reason: string) => new InputError(400, 'corrupt_image', `the JPEG image could not be decoded: ${reason}`);

const isStandalone = (marker: number) => marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8);

/** Counts start-of-scan markers without decoding, skipping each scan's entropy-coded data; checks the file ends in EOI. */
export function countJpegScans(bytes: Uint8Array): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let scans = 0;
  let offset = 2;
  while (offset + 1 < bytes.length) {
    // Like libjpeg, step over stray bytes between segments to the next marker.
    if (bytes[offset] !== 0xff) {
      offset++;
      continue;
    }
    const marker = bytes[offset + 1];
    if (marker === 0xff) offset += 1;
    else if (marker === 0xd9) return scans;
    else if (isStandalone(marker)) offset += 2;
    else {
      if (offset + 4 > bytes.length) break;
      offset += 2 + view.getUint16(offset + 2);
      if (marker !== 0xda) continue;
      scans++;
      // Entropy-coded data runs to the next marker that is neither a stuffed 0xFF00 nor a restart marker.
      while (offset + 1 < bytes.length && !(bytes[offset] === 0xff && bytes[offset + 1] !== 0 && (bytes[offset + 1] < 0xd0 || bytes[offset + 1] > 0xd7))) offset++;
    }
  }
  throw corrupt('the file has no end-of-image marker (truncated?)');
}

/** Refuses a truncated JPEG (400) and one of more than MAX_JPEG_SCANS scans (422) before any decoder sees it. */
export function assertJpegDecodable(bytes: Uint8Array): void {
  const scans = countJpegScans(bytes);
  if (scans > MAX_JPEG_SCANS) {
    throw new InputError(422, 'image_too_complex', `the JPEG has ${scans} scans; the limit is ${MAX_JPEG_SCANS}`, { scans, limit: MAX_JPEG_SCANS });
  }
}

export function decodeJpeg(bytes: Uint8Array, limits: ImageLimits): RgbaImage {
  assertJpegDecodable(bytes);
  try {
    const image = jpeg.decode(bytes, {
      useTArray: true,
      formatAsRGBA: true,
      maxResolutionInMP: limits.maxPixels / 1e6,
      // What jpeg-js counts: 4 bytes of coefficients and 1 byte of plane per pixel and component, plus the RGBA
      // output, 19 bytes per pixel for 4:4:4 colour; 24 leaves room for block padding. (Its per-block Int32Array
      // objects add ~40% on the heap that it does not count: see edge/README.md, "Safety".)
      maxMemoryUsageInMB: Math.ceil((limits.maxPixels * 24) / 2 ** 20),
    });
    return { width: image.width, height: image.height, data: image.data };
  } catch (error) {
    throw corrupt((error as Error).message);
  }
}

import { InputError } from '../errors.ts';
import { decodeImage, type RgbaImage } from './decode.ts';
import { applyOrientation, jpegOrientation } from './exif.ts';
import { assertJpegDecodable } from './jpeg.ts';
import { readImageHeader, sniffImageFormat, type ImageHeader, type ImageLimits } from './sniff.ts';

/** Stored pixels of an image whose header has been checked against the limits. */
export type PixelDecoder = (bytes: Uint8Array) => Promise<RgbaImage>;

/**
 * Reads a JPEG larger than the decode budget straight to `width`×`height` (DCT scaling plus a resample), so the full
 * image is never held. Stored pixels: EXIF orientation is applied afterwards, as for every JPEG.
 */
export type ScaledJpegDecoder = (bytes: Uint8Array, width: number, height: number) => Promise<RgbaImage>;

/** The decoders a runtime hands the app; without them JPEG falls back to jpeg-js and WebP is refused (415). */
export interface ImageDecoders {
  jpeg?: PixelDecoder;
  scaledJpeg?: ScaledJpegDecoder;
  webp?: PixelDecoder;
}

/**
 * Photos a runtime with a ScaledJpegDecoder accepts: a 64 MP phone photo (9248×6936) and panoramas up to 16384 px.
 * They are read at the size that fits the decode budget (ImageLimits), which is all the pixels ever held.
 */
export const SCALED_JPEG_LIMITS: ImageLimits = { maxWidth: 16384, maxHeight: 16384, maxPixels: 64 * 2 ** 20 };

/** The largest size of the same aspect ratio within the decode budget: the side limits, then the pixel limit. */
export function sizeWithinBudget(width: number, height: number, budget: ImageLimits): { width: number; height: number } {
  const scale = Math.min(1, budget.maxWidth / width, budget.maxHeight / height, Math.sqrt(budget.maxPixels / (width * height)));
  return { width: Math.max(1, Math.floor(width * scale)), height: Math.max(1, Math.floor(height * scale)) };
}

const corrupt = (format: string, reason: string) => new InputError(400, 'corrupt_image', `the ${format} image could not be decoded: ${reason}`);

async function decodeWith(decoder: PixelDecoder | ScaledJpegDecoder, bytes: Uint8Array, header: ImageHeader, want = header): Promise<RgbaImage> {
  const format = header.format.toUpperCase();
  let image: RgbaImage;
  try {
    image = await decoder(bytes, want.width, want.height);
  } catch (error) {
    throw corrupt(format, (error as Error).message);
  }
  if (image.width !== want.width || image.height !== want.height) {
    throw corrupt(format, `decoded ${image.width}×${image.height}, expected ${want.width}×${want.height} from the header`);
  }
  return image;
}

/**
 * Checks the header, then decodes an upload to RGBA with the runtime's decoders (EXIF orientation applied): PNG and
 * GIF in JavaScript, JPEG and WebP by the injected wasm or native decoders, and a JPEG over the decode budget (up to
 * SCALED_JPEG_LIMITS) at reduced scale where the runtime can.
 */
export async function decodeUpload(bytes: Uint8Array, limits: ImageLimits, decoders: ImageDecoders = {}): Promise<RgbaImage> {
  const scalable = decoders.scaledJpeg && sniffImageFormat(bytes) === 'jpeg';
  const header = readImageHeader(bytes, scalable ? SCALED_JPEG_LIMITS : limits);
  const within = sizeWithinBudget(header.width, header.height, limits);
  const overBudget = within.width !== header.width || within.height !== header.height;
  if (header.format === 'webp') {
    if (!decoders.webp) throw new InputError(415, 'unsupported_image', 'this server reads no WebP; send PNG, JPEG or GIF');
    return decodeWith(decoders.webp, bytes, header);
  }
  if (header.format !== 'jpeg' || (!decoders.jpeg && !overBudget)) return decodeImage(bytes, limits);
  assertJpegDecodable(bytes);
  const image = overBudget ? await decodeWith(decoders.scaledJpeg!, bytes, header, { ...header, ...within }) : await decodeWith(decoders.jpeg!, bytes, header);
  return applyOrientation(image, jpegOrientation(bytes));
}

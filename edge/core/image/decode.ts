import { InputError } from '../errors.ts';
import { applyOrientation, jpegOrientation } from './exif.ts';
import { decodeGif } from './gif.ts';
import { decodeJpeg } from './jpeg.ts';
import { decodePng } from './png.ts';
import { DEFAULT_IMAGE_LIMITS, readImageHeader, type ImageLimits } from './sniff.ts';

/** 8-bit RGBA pixels, row-major: the one in-memory image type of the core. */
export interface RgbaImage {
  width: number;
  height: number;
  data: Uint8Array;
}

/**
 * Checks the header against the limits, then decodes the first frame of a PNG, JPEG or GIF to RGBA. Each decoder
 * is bounded by what the header declares (see png.ts, gif.ts, jpeg.ts); a file that disagrees with it is a 400.
 */
export function decodeImage(bytes: Uint8Array, limits: ImageLimits = DEFAULT_IMAGE_LIMITS): RgbaImage {
  const header = readImageHeader(bytes, limits);
  let image: RgbaImage;
  switch (header.format) {
    case 'png':
      image = decodePng(bytes);
      break;
    case 'jpeg':
      image = decodeJpeg(bytes, limits);
      break;
    case 'gif':
      image = decodeGif(bytes);
      break;
    case 'webp':
      throw new InputError(415, 'unsupported_image', 'WebP uploads are not supported here; send PNG, JPEG or GIF');
  }
  if (image.width !== header.width || image.height !== header.height) {
    const format = header.format.toUpperCase();
    throw new InputError(400, 'corrupt_image', `the ${format} image could not be decoded: decoded ${image.width}×${image.height}, the header says ${header.width}×${header.height}`);
  }
  // Turned as its EXIF orientation says, so every caller sees a phone photo the way a viewer shows it.
  return header.format === 'jpeg' ? applyOrientation(image, jpegOrientation(bytes)) : image;
}

import { convertIndexedToRgb, decode as decodePngPixels } from 'fast-png';
import { Unzlib } from 'fflate';
import jpeg from 'jpeg-js';
import { GifReader } from 'omggif';
import { InputError } from '../errors.ts';
import { applyOrientation, jpegOrientation } from './exif.ts';
import { DEFAULT_IMAGE_LIMITS, readImageHeader, type ImageHeader, type ImageLimits } from './sniff.ts';

/** 8-bit RGBA pixels, row-major: the one in-memory image type of the core. */
export interface RgbaImage {
  width: number;
  height: number;
  data: Uint8Array;
}

const corrupt = (format: string, reason: string) =>
  new InputError(400, 'corrupt_image', `the ${format} image could not be decoded: ${reason}`);

/**
 * fast-png inflates IDAT without an output bound, so a small deflate bomb could expand far past what the
 * header promises. Walking the chunks and inflating once with a running count refuses such a file early.
 */
function assertPngInflatesWithinHeader(bytes: Uint8Array, header: ImageHeader): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const maxBytesPerPixel = 8;
  const limit = header.height * (1 + header.width * maxBytesPerPixel);
  let produced = 0;
  const inflate = new Unzlib((chunk) => {
    produced += chunk.length;
    if (produced > limit) throw corrupt('PNG', `pixel data inflates past the ${header.width}×${header.height} the header declares`);
  });
  const imageData: Uint8Array[] = [];
  let offset = 8;
  while (offset + 8 <= bytes.length) {
    const length = view.getUint32(offset);
    const type = String.fromCharCode(...bytes.subarray(offset + 4, offset + 8));
    const end = offset + 12 + length;
    if (end > bytes.length) throw corrupt('PNG', `chunk ${JSON.stringify(type)} runs past the end of the file (truncated?)`);
    if (type === 'IDAT') imageData.push(bytes.subarray(offset + 8, offset + 8 + length));
    if (type === 'IEND') {
      if (imageData.length === 0) throw corrupt('PNG', 'no image data');
      try {
        imageData.forEach((data, k) => inflate.push(data, k === imageData.length - 1));
      } catch (error) {
        throw error instanceof InputError ? error : corrupt('PNG', `pixel data does not inflate (${(error as Error).message})`);
      }
      return;
    }
    offset = end;
  }
  throw corrupt('PNG', 'the file ends before its IEND chunk (truncated?)');
}

function unpackLowBitGray(data: Uint8Array, width: number, height: number, depth: number): Uint8Array {
  const out = new Uint8Array(width * height);
  const bytesPerLine = Math.ceil((width * depth) / 8);
  const max = (1 << depth) - 1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const bit = x * depth;
      const byte = data[y * bytesPerLine + (bit >> 3)];
      const value = (byte >> (8 - depth - (bit & 7))) & max;
      out[y * width + x] = Math.round((value * 255) / max);
    }
  }
  return out;
}

function decodePng(bytes: Uint8Array, header: ImageHeader): RgbaImage {
  assertPngInflatesWithinHeader(bytes, header);
  let png;
  try {
    png = decodePngPixels(bytes, { checkCrc: true });
  } catch (error) {
    throw corrupt('PNG', (error as Error).message);
  }
  const { width, height } = png;
  let samples: ArrayLike<number> = png.data;
  let channels = png.channels;
  let shift = png.depth === 16 ? 8 : 0;
  if (png.palette) {
    samples = convertIndexedToRgb(png);
    channels = png.transparency ? 4 : 3;
    shift = 0;
  } else if (png.depth < 8) {
    samples = unpackLowBitGray(png.data as Uint8Array, width, height, png.depth);
  }
  if (samples.length < width * height * channels) throw corrupt('PNG', 'pixel data is shorter than the header declares');
  const out = new Uint8Array(width * height * 4);
  for (let p = 0; p < width * height; p++) {
    const s = p * channels;
    const gray = channels <= 2;
    out[4 * p] = samples[s] >> shift;
    out[4 * p + 1] = samples[gray ? s : s + 1] >> shift;
    out[4 * p + 2] = samples[gray ? s : s + 2] >> shift;
    out[4 * p + 3] = channels === 2 || channels === 4 ? samples[s + channels - 1] >> shift : 255;
  }
  return { width, height, data: out };
}

/** jpeg-js fills a cut-off scan with grey instead of failing, so a missing end-of-image marker is checked here. */
export function assertJpegComplete(bytes: Uint8Array): void {
  for (let i = bytes.length - 2; i >= 2; i--) if (bytes[i] === 0xff && bytes[i + 1] === 0xd9) return;
  throw corrupt('JPEG', 'the file has no end-of-image marker (truncated?)');
}

function decodeJpeg(bytes: Uint8Array, limits: ImageLimits): RgbaImage {
  assertJpegComplete(bytes);
  try {
    const image = jpeg.decode(bytes, {
      useTArray: true,
      formatAsRGBA: true,
      maxResolutionInMP: limits.maxPixels / 1e6,
      // RGBA output plus the decoder's component planes; 24 bytes per pixel is a generous ceiling.
      maxMemoryUsageInMB: Math.ceil((limits.maxPixels * 24) / 2 ** 20),
    });
    return { width: image.width, height: image.height, data: image.data };
  } catch (error) {
    throw corrupt('JPEG', (error as Error).message);
  }
}

function decodeGif(bytes: Uint8Array): RgbaImage {
  try {
    const reader = new GifReader(bytes);
    const data = new Uint8Array(reader.width * reader.height * 4);
    reader.decodeAndBlitFrameRGBA(0, data);
    return { width: reader.width, height: reader.height, data };
  } catch (error) {
    throw corrupt('GIF', (error as Error).message);
  }
}

/**
 * Checks the header against the limits, then decodes the first frame of a PNG, JPEG or GIF to RGBA, turned as its
 * EXIF orientation says (JPEG), so every caller sees the photo the way a viewer shows it.
 */
export function decodeImage(bytes: Uint8Array, limits: ImageLimits = DEFAULT_IMAGE_LIMITS): RgbaImage {
  const header = readImageHeader(bytes, limits);
  let image: RgbaImage;
  switch (header.format) {
    case 'png':
      image = decodePng(bytes, header);
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
    throw corrupt(header.format.toUpperCase(), `decoded ${image.width}×${image.height}, the header says ${header.width}×${header.height}`);
  }
  return header.format === 'jpeg' ? applyOrientation(image, jpegOrientation(bytes)) : image;
}

import type { RgbaImage } from '#core/image/decode.ts';
import { readImageHeader, type ImageFormat } from '#core/image/sniff.ts';
import { InputError } from '#core/errors.ts';
import { jpegOrientation } from '#core/image/exif.ts';

/**
 * Browser uploads may be larger than the API's, since they are downscaled here before anything else sees them: a
 * 50-megapixel phone JPEG is 15–30 MB. The header is still checked first, so a file that claims more is refused.
 */
export const MAX_UPLOAD_BYTES = 64 * 1024 * 1024;
const SOURCE_LIMITS = { maxWidth: 16_384, maxHeight: 16_384, maxPixels: 64_000_000 };
/** What the page works on: enough for a sharp edited photo, small enough that a slider move repaints at once. */
export const MAX_WORKING_PIXELS = 4_194_304;

export interface PickedImage {
  name: string;
  image: RgbaImage;
  /** The file's own format (by magic bytes): an edited photo is downloaded in it (JPEG stays JPEG). */
  format: ImageFormat;
  /** The upload's own size when it was downscaled to MAX_WORKING_PIXELS. */
  downscaledFrom?: { width: number; height: number };
}

/** A pixel spread below this (on 0..255) means a blank frame: nothing the model could encode meaningfully. */
const MIN_CONTENT_SPREAD = 6;

function hasContent(image: RgbaImage): boolean {
  const d = image.data;
  let min = 255;
  let max = 0;
  const step = Math.max(1, Math.floor((image.width * image.height) / 20_000));
  for (let p = 0; p < image.width * image.height; p += step) {
    const luma = (d[4 * p] * 299 + d[4 * p + 1] * 587 + d[4 * p + 2] * 114) / 1000;
    min = Math.min(min, luma);
    max = Math.max(max, luma);
  }
  return max - min >= MIN_CONTENT_SPREAD;
}

/** The size the photo is shown at (EXIF-turned JPEGs swap sides) and, when over MAX_WORKING_PIXELS, the size to decode it to. */
function workingSize(bytes: Uint8Array, header: { format: ImageFormat; width: number; height: number }) {
  const turned = header.format === 'jpeg' && jpegOrientation(bytes) >= 5;
  const shown = turned ? { width: header.height, height: header.width } : { width: header.width, height: header.height };
  const scale = Math.sqrt(MAX_WORKING_PIXELS / (shown.width * shown.height));
  if (scale >= 1) return { shown };
  return { shown, resize: { width: Math.max(1, Math.floor(shown.width * scale)), height: Math.max(1, Math.floor(shown.height * scale)) } };
}

/**
 * Uploaded bytes -> RGBA pixels, downscaled by the browser's decoder (high quality) when the photo has more than
 * MAX_WORKING_PIXELS. The header is checked by the core (format by magic bytes, size limits) before the browser
 * decodes anything, so a decompression bomb is refused just as the API refuses it.
 */
export async function decodeUpload(blob: Blob, name = 'image'): Promise<PickedImage> {
  if (blob.size > MAX_UPLOAD_BYTES) {
    throw new InputError(413, 'too_large', `${name} is ${(blob.size / 1048576).toFixed(1)} MB; the limit here is ${MAX_UPLOAD_BYTES / 1048576} MB.`);
  }
  const bytes = new Uint8Array(await blob.arrayBuffer());
  const header = readImageHeader(bytes, SOURCE_LIMITS);
  const { shown, resize } = workingSize(bytes, header);
  let bitmap: ImageBitmap;
  try {
    const options: ImageBitmapOptions = resize ? { resizeWidth: resize.width, resizeHeight: resize.height, resizeQuality: 'high' } : {};
    bitmap = await createImageBitmap(new Blob([bytes], { type: `image/${header.format}` }), options);
  } catch {
    throw new InputError(400, 'corrupt_image', `${name} looks like a ${header.format.toUpperCase()} file but could not be decoded.`);
  }
  const image = bitmapToRgba(bitmap);
  bitmap.close();
  if (!hasContent(image)) throw new InputError(422, 'no_content', `${name} is a single flat colour: there is nothing to encode.`);
  return { name, image, format: header.format, downscaledFrom: resize && shown };
}

export function bitmapToRgba(source: CanvasImageSource & { width: number; height: number }): RgbaImage {
  const canvas = new OffscreenCanvas(source.width, source.height);
  const context = canvas.getContext('2d', { willReadFrequently: true });
  if (!context) throw new Error('This browser has no 2-D canvas.');
  context.drawImage(source, 0, 0);
  const data = context.getImageData(0, 0, source.width, source.height).data;
  return { width: source.width, height: source.height, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
}

/** Wires a drop zone: drag-and-drop, file picker (with phone camera via `capture`) and paste all end in `onBlob`. */
export function wireImageSource(zone: HTMLElement, input: HTMLInputElement, onBlob: (blob: Blob, name: string) => void): void {
  input.addEventListener('change', () => {
    const file = input.files?.[0];
    if (file) onBlob(file, file.name);
    input.value = '';
  });
  zone.addEventListener('dragover', (event) => {
    event.preventDefault();
    zone.classList.add('dragging');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('dragging'));
  zone.addEventListener('drop', (event) => {
    event.preventDefault();
    zone.classList.remove('dragging');
    const file = event.dataTransfer?.files[0];
    if (file) onBlob(file, file.name);
  });
  zone.addEventListener('paste', (event) => {
    const item = Array.from(event.clipboardData?.items ?? []).find((i) => i.kind === 'file');
    const file = item?.getAsFile();
    if (file) {
      event.preventDefault();
      onBlob(file, file.name || 'pasted image');
    }
  });
}

import type { RgbaImage } from '#core/image/decode.ts';
import { readImageHeader, type ImageFormat } from '#core/image/sniff.ts';
import { InputError } from '#core/errors.ts';

/** The same upload limit as the API, so what works here also works as an HTTP call. */
export const MAX_UPLOAD_BYTES = 8 * 1024 * 1024;

export interface PickedImage {
  name: string;
  image: RgbaImage;
  /** The file's own format (by magic bytes): an edited photo is downloaded in it (JPEG stays JPEG). */
  format: ImageFormat;
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

/**
 * Uploaded bytes -> RGBA pixels. The header is checked by the core (format by magic bytes, size limits) before the
 * browser decodes anything, so a decompression bomb is refused just as the API refuses it.
 */
export async function decodeUpload(blob: Blob, name = 'image'): Promise<PickedImage> {
  if (blob.size > MAX_UPLOAD_BYTES) {
    throw new InputError(413, 'too_large', `${name} is ${(blob.size / 1048576).toFixed(1)} MB; the limit is 8 MB.`);
  }
  const bytes = new Uint8Array(await blob.arrayBuffer());
  const header = readImageHeader(bytes);
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(new Blob([bytes], { type: `image/${header.format}` }));
  } catch {
    throw new InputError(400, 'corrupt_image', `${name} looks like a ${header.format.toUpperCase()} file but could not be decoded.`);
  }
  const image = bitmapToRgba(bitmap);
  bitmap.close();
  if (!hasContent(image)) throw new InputError(422, 'no_content', `${name} is a single flat colour: there is nothing to encode.`);
  return { name, image, format: header.format };
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

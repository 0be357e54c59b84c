import type { RgbaImage } from '#core/image/decode.ts';
import { encodeGif, encodePng, horizontalStrip, scaleImage } from '#core/image/encode.ts';

/** The shortest longer side of a downloaded picture: a 64-pixel decoder output is not worth keeping. */
export const DOWNLOAD_SIDE = 256;

/**
 * The picture at DOWNLOAD_SIDE pixels on its longer side or more, smoothly (bilinear) upscaled. Digits too: their
 * strokes read as pen strokes when smooth, as 28×28 tiles when nearest-neighbour.
 */
export function forDownload(image: RgbaImage): RgbaImage {
  return Math.max(image.width, image.height) >= DOWNLOAD_SIDE ? image : scaleImage(image, DOWNLOAD_SIDE, 'bilinear');
}

export function downloadBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function downloadBytes(bytes: Uint8Array, fileName: string, type: string): void {
  downloadBlob(new Blob([bytes as BlobPart], { type }), fileName);
}

/** One picture as a PNG; returns the size saved, for the status line. */
export function downloadPng(image: RgbaImage, fileName: string): string {
  const saved = forDownload(image);
  downloadBytes(encodePng(saved), fileName, 'image/png');
  return `${saved.width}×${saved.height}`;
}

/** Pictures side by side in one PNG, each at download size. */
export function downloadStrip(images: RgbaImage[], fileName: string): string {
  const strip = horizontalStrip(images.map(forDownload));
  downloadBytes(encodePng(strip), fileName, 'image/png');
  return `${strip.width}×${strip.height}`;
}

/** A looping GIF that plays the frames forth and back, so it returns smoothly to the first. */
export function downloadPingPongGif(frames: RgbaImage[], delayMs: number, fileName: string): string {
  const large = frames.map(forDownload);
  downloadBytes(encodeGif([...large, ...large.slice(1, -1).reverse()], delayMs), fileName, 'image/gif');
  return `${large[0].width}×${large[0].height}`;
}

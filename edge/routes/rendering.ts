import type { Context } from 'hono';
import type { RgbaImage } from '#core/image/decode.ts';
import { encodeGif, encodePng, horizontalStrip, scaleImage, tensorToRgba, type UpscaleKernel } from '#core/image/encode.ts';
import { JPEG_QUALITY, type JpegEncoder } from '#core/image/jpeg-codec.ts';
import { withIccProfile } from '#core/image/icc.ts';
import { InputError } from '#core/errors.ts';
import type { ModelRuntime } from '#core/runtime.ts';
import { deterministicResponse } from '../middleware/cache.ts';
import { LIMITS } from '../schemas.ts';

export type ImageFormat = 'png' | 'jpeg' | 'gif';

export interface RenderOptions {
  format: ImageFormat | 'json';
  size?: number;
  resample: UpscaleKernel;
  delay?: number;
}

export const toJsonArray = (latent: Float32Array) => Array.from(latent);

/** Every answer made from a model names it and its version. */
export function modelHeader(c: Context, runtime: ModelRuntime): void {
  const { manifest } = runtime.model;
  c.header('X-Model', `${manifest.id}@${manifest.version}`);
}

/** Refuses a response whose images together pass the output-pixel limit, before any of them is made. */
export function checkOutputPixels(count: number, width: number, height: number, what: string): void {
  const outputPixels = count * width * height;
  if (count > 1 && outputPixels > LIMITS.outputPixels) {
    throw new InputError(422, 'output_too_large', `${count} images of ${width}×${height} (${what}) make ${outputPixels} pixels; the limit is ${LIMITS.outputPixels}: lower size, frames, n or the number of strengths`, {
      outputPixels,
      limit: LIMITS.outputPixels,
    });
  }
}

export function latentsResponse(c: Context, runtime: ModelRuntime, latents: Float32Array[]) {
  const body = JSON.stringify({ model: runtime.model.manifest.id, latents: latents.map(toJsonArray) });
  return deterministicResponse(c, body, 'application/json');
}

/**
 * One image, a strip of several (png, jpeg) or an animation (gif). `iccProfile`, the colour space of the upload the
 * pixels came from, is embedded in PNG and JPEG answers (GIF has no standard place for it).
 */
export async function imagesResponse(c: Context, images: RgbaImage[], format: ImageFormat, delay: number, jpegEncoder?: JpegEncoder, iccProfile?: Uint8Array) {
  if (format === 'gif') return deterministicResponse(c, encodeGif(images, delay), 'image/gif');
  const image = images.length === 1 ? images[0] : horizontalStrip(images);
  if (format === 'png') return deterministicResponse(c, withIccProfile(encodePng(image), 'png', iccProfile), 'image/png');
  if (!jpegEncoder) throw new InputError(422, 'jpeg_unavailable', 'this server has no JPEG encoder; ask for format=png');
  return deterministicResponse(c, withIccProfile(await jpegEncoder(image, JPEG_QUALITY), 'jpeg', iccProfile), 'image/jpeg');
}

/** Decodes latents in one run and answers with a PNG or JPEG (a strip for several), a GIF, or the latents as JSON. */
export async function renderLatents(c: Context, runtime: ModelRuntime, latents: Float32Array[], options: RenderOptions, jpegEncoder?: JpegEncoder) {
  modelHeader(c, runtime);
  if (options.format === 'json') return latentsResponse(c, runtime, latents);
  const [channels, height, width] = runtime.imageShape;
  const scale = options.size ? options.size / Math.max(width, height) : 1;
  checkOutputPixels(latents.length, Math.round(width * scale), Math.round(height * scale), `size ${options.size ?? 'native'}`);
  const decoded = await runtime.decode(latents);
  let images: RgbaImage[] = decoded.map((chw) => tensorToRgba(chw, channels, height, width));
  if (options.size) images = images.map((image) => scaleImage(image, options.size!, options.resample));
  return imagesResponse(c, images, options.format, options.delay ?? LIMITS.delayMs.default, jpegEncoder);
}

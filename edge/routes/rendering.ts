import type { Context } from 'hono';
import type { RgbaImage } from '../core/image/decode.ts';
import { encodeGif, encodePng, horizontalStrip, scaleImage, tensorToRgba, type UpscaleKernel } from '../core/image/encode.ts';
import { InputError } from '../core/errors.ts';
import type { ModelRuntime } from '../core/runtime.ts';
import { deterministicResponse } from '../middleware/cache.ts';
import { LIMITS } from '../schemas.ts';

export interface RenderOptions {
  format: 'png' | 'gif' | 'json';
  size?: number;
  resample: UpscaleKernel;
  delay?: number;
}

export const toJsonArray = (latent: Float32Array) => Array.from(latent);

/** Decodes latents in one run and answers with a PNG (a strip for several), a GIF, or the latents as JSON. */
export async function renderLatents(c: Context, runtime: ModelRuntime, latents: Float32Array[], options: RenderOptions) {
  const { manifest } = runtime.model;
  c.header('X-Model', `${manifest.id}@${manifest.version}`);
  if (options.format === 'json') {
    const body = JSON.stringify({ model: manifest.id, latents: latents.map(toJsonArray) });
    return deterministicResponse(c, body, 'application/json');
  }
  const [channels, height, width] = runtime.imageShape;
  const scale = options.size ? options.size / Math.max(width, height) : 1;
  const outputPixels = latents.length * Math.round(width * scale) * Math.round(height * scale);
  if (outputPixels > LIMITS.outputPixels) {
    throw new InputError(422, 'output_too_large', `${latents.length} images at size ${options.size} make ${outputPixels} pixels; the limit is ${LIMITS.outputPixels}: lower size, frames or n`, {
      outputPixels,
      limit: LIMITS.outputPixels,
    });
  }
  const decoded = await runtime.decode(latents);
  let images: RgbaImage[] = decoded.map((chw) => tensorToRgba(chw, channels, height, width));
  if (options.size) images = images.map((image) => scaleImage(image, options.size!, options.resample));
  if (options.format === 'gif') return deterministicResponse(c, encodeGif(images, options.delay ?? 100), 'image/gif');
  return deterministicResponse(c, encodePng(images.length === 1 ? images[0] : horizontalStrip(images)), 'image/png');
}

import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { DEFAULT_IMAGE_LIMITS } from '#core/image/sniff.ts';
import { decodeUpload } from '#core/image/upload.ts';
import { syntheticRgba } from '../testing/images.ts';
import { nodeWebpDecoder } from './webp.ts';

describe('WebP uploads (libwebp wasm)', () => {
  it('reads a lossless WebP to the exact pixels written', async () => {
    const rgba = syntheticRgba(4, 40, 32);
    const webp = new Uint8Array(await sharp(rgba, { raw: { width: 40, height: 32, channels: 4 } }).webp({ lossless: true }).toBuffer());
    const image = await decodeUpload(webp, DEFAULT_IMAGE_LIMITS, { webp: nodeWebpDecoder() });
    expect([image.width, image.height]).toEqual([40, 32]);
    expect(Buffer.from(image.data).equals(Buffer.from(rgba))).toBe(true);
  });

  it('refuses a truncated WebP with 400', async () => {
    const webp = new Uint8Array(await sharp(syntheticRgba(5, 40, 32), { raw: { width: 40, height: 32, channels: 4 } }).webp().toBuffer());
    await expect(decodeUpload(webp.subarray(0, 60), DEFAULT_IMAGE_LIMITS, { webp: nodeWebpDecoder() })).rejects.toMatchObject({ status: 400 });
  });
});

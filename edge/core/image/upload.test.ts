import { describe, expect, it } from 'vitest';
import { forgedJpegHeader, syntheticJpeg, syntheticPng } from '../../testing/images.ts';
import type { RgbaImage } from './decode.ts';
import { DEFAULT_IMAGE_LIMITS } from './sniff.ts';
import { decodeUpload, SCALED_JPEG_LIMITS, sizeWithinBudget, type ScaledJpegDecoder } from './upload.ts';

const blank = (width: number, height: number): RgbaImage => ({ width, height, data: new Uint8Array(width * height * 4) });

describe('sizeWithinBudget', () => {
  it('keeps an image inside the budget and shrinks a larger one to the sides and pixels allowed, keeping its aspect', () => {
    expect(sizeWithinBudget(640, 480, DEFAULT_IMAGE_LIMITS)).toEqual({ width: 640, height: 480 });
    // A 50 MP phone photo: the 4096 px side limit binds first.
    expect(sizeWithinBudget(8160, 6120, DEFAULT_IMAGE_LIMITS)).toEqual({ width: 4096, height: 3072 });
    // A square 64 MP photo: the 16 MP pixel limit binds.
    const square = sizeWithinBudget(8000, 8000, { maxWidth: 8000, maxHeight: 8000, maxPixels: 16_000_000 });
    expect(square.width * square.height).toBeLessThanOrEqual(16_000_000);
    expect(square.width).toBe(square.height);
  });
});

describe('decodeUpload', () => {
  it('reads PNG and JPEG without injected decoders, as decodeImage does', async () => {
    expect((await decodeUpload(syntheticPng(1), DEFAULT_IMAGE_LIMITS)).width).toBe(40);
    expect((await decodeUpload(syntheticJpeg(1), DEFAULT_IMAGE_LIMITS)).height).toBe(32);
  });

  it('asks the scaled decoder for the budget size when a JPEG is over it, and refuses one without a scaled decoder', async () => {
    const asked: [number, number][] = [];
    const scaledJpeg: ScaledJpegDecoder = async (_bytes, width, height) => (asked.push([width, height]), blank(width, height));
    const photo = await decodeUpload(forgedJpegHeader(8160, 6120), DEFAULT_IMAGE_LIMITS, { scaledJpeg });
    expect(asked).toEqual([[4096, 3072]]);
    expect([photo.width, photo.height]).toEqual([4096, 3072]);
    await expect(decodeUpload(forgedJpegHeader(8160, 6120), DEFAULT_IMAGE_LIMITS)).rejects.toMatchObject({ status: 422, code: 'image_too_large' });
  });

  it('refuses a JPEG over SCALED_JPEG_LIMITS before decoding, and a decoder answer of the wrong size as corrupt', async () => {
    const scaledJpeg: ScaledJpegDecoder = async () => blank(10, 10);
    const side = SCALED_JPEG_LIMITS.maxWidth;
    await expect(decodeUpload(forgedJpegHeader(side, side), DEFAULT_IMAGE_LIMITS, { scaledJpeg })).rejects.toMatchObject({ status: 422 });
    await expect(decodeUpload(forgedJpegHeader(8160, 6120), DEFAULT_IMAGE_LIMITS, { scaledJpeg })).rejects.toMatchObject({ status: 400, code: 'corrupt_image' });
  });

  it('refuses WebP with 415 when the runtime has no WebP decoder', async () => {
    const webp = new Uint8Array(40);
    webp.set(Array.from('RIFF\0\0\0\0WEBPVP8L', (c) => c.charCodeAt(0)));
    await expect(decodeUpload(webp, DEFAULT_IMAGE_LIMITS)).rejects.toMatchObject({ status: 415 });
  });
});

import { describe, expect, it } from 'vitest';
import { forgedGifHeader, forgedJpegHeader, forgedPngHeader, forgedWebpHeader, syntheticJpeg, syntheticPng } from '../../testing/images.ts';
import { readImageHeader, sniffImageFormat } from './sniff.ts';

describe('image header reading', () => {
  it('identifies formats by content and reads real sizes', () => {
    expect(readImageHeader(syntheticPng(1, 40, 32))).toEqual({ format: 'png', width: 40, height: 32 });
    expect(readImageHeader(syntheticJpeg(1, 40, 32))).toEqual({ format: 'jpeg', width: 40, height: 32 });
    expect(readImageHeader(forgedGifHeader(7, 9))).toEqual({ format: 'gif', width: 7, height: 9 });
    expect(readImageHeader(forgedWebpHeader(300, 200))).toEqual({ format: 'webp', width: 300, height: 200 });
    expect(sniffImageFormat(new TextEncoder().encode('<svg></svg>'))).toBeUndefined();
  });

  it('refuses zero, over-wide and over-many-pixel headers before decoding', () => {
    expect(() => readImageHeader(forgedPngHeader(0, 5))).toThrow(/at least one pixel/);
    expect(() => readImageHeader(forgedJpegHeader(5000, 10))).toThrow(/5000×10/);
    expect(() => readImageHeader(forgedPngHeader(4096, 4096))).toThrow(/16000000 pixels/);
    expect(() => readImageHeader(forgedPngHeader(4000, 4000))).not.toThrow();
    expect(() => readImageHeader(forgedPngHeader(100, 100), { maxWidth: 50, maxHeight: 50, maxPixels: 1e6 })).toThrow(/limit/);
  });

  it('calls truncated headers corrupt and unknown bytes unsupported', () => {
    expect(() => readImageHeader(syntheticPng(1).subarray(0, 20))).toThrow(/truncated/);
    expect(() => readImageHeader(new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0x00]))).toThrow(/truncated/);
    expect(() => readImageHeader(new Uint8Array([1, 2, 3]))).toThrow(expect.objectContaining({ status: 415 }));
    expect(() => readImageHeader(new Uint8Array())).toThrow(expect.objectContaining({ status: 400 }));
  });
});

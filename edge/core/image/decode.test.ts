import { encode as encodePng } from 'fast-png';
import { zlibSync } from 'fflate';
import { GifWriter } from 'omggif';
import { describe, expect, it } from 'vitest';
import { gifWithFrame, jpegScanBomb, largeBlackPng16, outOfRangePalettePng, pngAround, pngChunk, pngDeflateBomb } from '../../testing/hostile-images.ts';
import { syntheticJpeg, syntheticPng, syntheticRgba } from '../../testing/images.ts';
import { decodeImage } from './decode.ts';
import { MAX_JPEG_SCANS } from './jpeg.ts';

/** Adam7-interlaced 8-bit RGBA PNG of `rgba` (every row unfiltered), to check the pass geometry. */
function interlacedPng(rgba: Uint8Array, width: number, height: number): Uint8Array {
  const passes = [[0, 0, 8, 8], [4, 0, 8, 8], [0, 4, 4, 8], [2, 0, 4, 4], [0, 2, 2, 4], [1, 0, 2, 2], [0, 1, 1, 2]];
  const raw: number[] = [];
  for (const [x0, y0, dx, dy] of passes) {
    if (x0 >= width || y0 >= height) continue;
    for (let y = y0; y < height; y += dy) {
      raw.push(0);
      for (let x = x0; x < width; x += dx) raw.push(...rgba.subarray(4 * (y * width + x), 4 * (y * width + x) + 4));
    }
  }
  return pngAround({ width, height, depth: 8, colorType: 6, interlaced: true }, zlibSync(Uint8Array.from(raw)));
}

describe('decodeImage', () => {
  it('decodes PNG (RGBA, grey 16-bit, 1-bit, palette) and JPEG to RGBA', () => {
    const rgba = syntheticRgba(1, 6, 5);
    expect(decodeImage(syntheticPng(1, 6, 5)).data).toEqual(rgba);
    const grey16 = decodeImage(encodePng({ width: 2, height: 1, data: Uint16Array.of(0, 65535), channels: 1, depth: 16 }));
    expect(Array.from(grey16.data)).toEqual([0, 0, 0, 255, 255, 255, 255, 255]);
    const oneBit = decodeImage(encodePng({ width: 3, height: 1, data: Uint8Array.of(0b10100000), channels: 1, depth: 1 }));
    expect(Array.from(oneBit.data).filter((_, i) => i % 4 === 0)).toEqual([255, 0, 255]);
    const palette = decodeImage(encodePng({ width: 2, height: 1, data: Uint8Array.of(1, 0), channels: 1, depth: 8, palette: [[10, 20, 30], [200, 100, 50]] }));
    expect(Array.from(palette.data)).toEqual([200, 100, 50, 255, 10, 20, 30, 255]);
    const jpeg = decodeImage(syntheticJpeg(1, 40, 32));
    expect([jpeg.width, jpeg.height]).toEqual([40, 32]);
  });

  it('decodes 16-bit RGBA, RGB with a tRNS key, and Adam7-interlaced PNGs', () => {
    const rgba16 = encodePng({ width: 1, height: 2, data: Uint16Array.of(0x1234, 0xff00, 0x0080, 0x8000, 1, 2, 3, 65535), channels: 4, depth: 16 });
    expect(Array.from(decodeImage(rgba16).data)).toEqual([0x12, 0xff, 0x00, 0x80, 0, 0, 0, 255]);
    const keyed = pngAround({ width: 2, height: 1, depth: 8, colorType: 2, chunks: [pngChunk('tRNS', Uint8Array.of(0, 9, 0, 8, 0, 7))] }, zlibSync(Uint8Array.of(0, 9, 8, 7, 9, 8, 6)));
    expect(Array.from(decodeImage(keyed).data)).toEqual([9, 8, 7, 0, 9, 8, 6, 255]);
    for (const [w, h] of [[13, 11], [1, 1], [3, 9]]) {
      const pixels = syntheticRgba(w, w, h);
      expect(decodeImage(interlacedPng(pixels, w, h)).data).toEqual(pixels);
    }
  });

  it('decodes the first frame of a GIF', () => {
    const buffer = new Uint8Array(1024);
    const writer = new GifWriter(buffer, 2, 1, { palette: [0x000000, 0xff0000] });
    writer.addFrame(0, 0, 2, 1, [1, 0]);
    writer.addFrame(0, 0, 2, 1, [0, 1]);
    const image = decodeImage(buffer.subarray(0, writer.end()));
    expect(Array.from(image.data)).toEqual([255, 0, 0, 255, 0, 0, 0, 255]);
  });

  it('refuses a deflate bomb, a truncated file and WebP with 4xx errors', () => {
    const start = performance.now();
    expect(() => decodeImage(pngDeflateBomb())).toThrow(/inflates past the 100×100/);
    expect(performance.now() - start).toBeLessThan(1000);
    const png = syntheticPng(2);
    expect(() => decodeImage(png.subarray(0, png.length - 20))).toThrow(expect.objectContaining({ status: 400 }));
    const jpeg = syntheticJpeg(2);
    expect(() => decodeImage(jpeg.subarray(0, jpeg.length - 40))).toThrow(/truncated/);
    const webp = new Uint8Array(40);
    webp.set(Array.from('RIFF\0\0\0\0WEBPVP8L', (c) => c.charCodeAt(0)));
    expect(() => decodeImage(webp)).toThrow(expect.objectContaining({ status: 415 }));
  });

  it('refuses an out-of-range palette index, a GIF frame outside its screen and a JPEG of too many scans', () => {
    expect(() => decodeImage(outOfRangePalettePng())).toThrow(expect.objectContaining({ status: 400, message: expect.stringMatching(/palette index 7/) }));
    for (const side of [65535, 16384, 2]) {
      expect(() => decodeImage(gifWithFrame(1, 1, side, side))).toThrow(expect.objectContaining({ status: 400, message: expect.stringMatching(/outside the 1×1 screen/) }));
    }
    const start = performance.now();
    expect(() => decodeImage(jpegScanBomb())).toThrow(expect.objectContaining({ status: 422, code: 'image_too_complex' }));
    expect(() => decodeImage(jpegScanBomb(64, 64, MAX_JPEG_SCANS + 1))).toThrow(/101 scans/);
    expect(performance.now() - start).toBeLessThan(1000);
  });

  it('serves a legal 4000×4000 16-bit RGBA PNG', () => {
    const image = decodeImage(largeBlackPng16());
    expect([image.width, image.height, image.data.length]).toEqual([4000, 4000, 64_000_000]);
  });
});

import { encode as encodePng } from 'fast-png';
import { zlibSync } from 'fflate';
import { GifWriter } from 'omggif';
import { describe, expect, it } from 'vitest';
import { syntheticJpeg, syntheticPng, syntheticRgba } from '../../testing/images.ts';
import { decodeImage } from './decode.ts';

function crc32(bytes: Uint8Array): number {
  let crc = ~0;
  for (const b of bytes) {
    crc ^= b;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return ~crc >>> 0;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  out.set(Array.from(type, (c) => c.charCodeAt(0)), 4);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/** A 4×4 grey PNG whose IDAT inflates to far more than 4 rows: a (small) deflate bomb. */
function bombPng(): Uint8Array {
  const ihdr = new Uint8Array(13);
  new DataView(ihdr.buffer).setUint32(0, 4);
  new DataView(ihdr.buffer).setUint32(4, 4);
  ihdr.set([8, 0, 0, 0, 0], 8);
  const parts = [Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a), chunk('IHDR', ihdr), chunk('IDAT', zlibSync(new Uint8Array(1_000_000))), chunk('IEND', new Uint8Array())];
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  parts.reduce((at, p) => (out.set(p, at), at + p.length), 0);
  return out;
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

  it('decodes the first frame of a GIF', () => {
    const buffer = new Uint8Array(1024);
    const writer = new GifWriter(buffer, 2, 1, { palette: [0x000000, 0xff0000] });
    writer.addFrame(0, 0, 2, 1, [1, 0]);
    const image = decodeImage(buffer.subarray(0, writer.end()));
    expect(Array.from(image.data)).toEqual([255, 0, 0, 255, 0, 0, 0, 255]);
  });

  it('refuses a deflate bomb, a truncated file and WebP with 4xx errors', () => {
    expect(() => decodeImage(bombPng())).toThrow(/inflates past the 4×4/);
    const png = syntheticPng(2);
    expect(() => decodeImage(png.subarray(0, png.length - 20))).toThrow(expect.objectContaining({ status: 400 }));
    const jpeg = syntheticJpeg(2);
    expect(() => decodeImage(jpeg.subarray(0, jpeg.length - 40))).toThrow(/truncated/);
    const webp = new Uint8Array(40);
    webp.set(Array.from('RIFF\0\0\0\0WEBPVP8L', (c) => c.charCodeAt(0)));
    expect(() => decodeImage(webp)).toThrow(expect.objectContaining({ status: 415 }));
  });
});

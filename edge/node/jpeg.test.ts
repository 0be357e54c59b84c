import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_IMAGE_LIMITS } from '#core/image/sniff.ts';
import { decodeUpload } from '#core/image/upload.ts';
import { fiftyMegapixelJpeg } from '../testing/big-photo.ts';
import { nodeJpegCodec, sharpScaledJpegDecoder } from './jpeg.ts';

const statusKb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync('/proc/self/status', 'utf8'))?.[1]);

describe('reduced-scale JPEG reading (libvips shrink-on-load)', () => {
  let bytes: Uint8Array;
  beforeAll(async () => {
    bytes = await fiftyMegapixelJpeg();
  });

  it('reads a 50 MP photo at the decode budget, 4096×3072, looking like the photo', async () => {
    expect(bytes.length).toBeLessThan(8 * 2 ** 20);
    const { decode, decodeScaled } = nodeJpegCodec();
    const image = await decodeUpload(bytes, DEFAULT_IMAGE_LIMITS, { jpeg: decode, scaledJpeg: decodeScaled });
    expect([image.width, image.height]).toEqual([4096, 3072]);
    // The background away from the face is the scene's (90, 110–170, 140) gradient.
    const at = (x: number, y: number) => Array.from(image.data.subarray((y * 4096 + x) * 4, (y * 4096 + x) * 4 + 4));
    const corner = at(100, 100);
    expect(Math.abs(corner[0] - 90)).toBeLessThan(6);
    expect(Math.abs(corner[2] - 140)).toBeLessThan(6);
    expect(corner[3]).toBe(255);
  });

  it.skipIf(!existsSync('/proc/self/clear_refs'))('never holds the full 50 MP image: peak RSS growth stays near the 50 MB output', async () => {
    writeFileSync('/proc/self/clear_refs', '5');
    const before = statusKb('VmRSS');
    const image = await sharpScaledJpegDecoder(bytes, 4096, 3072);
    const peakMb = (statusKb('VmHWM') - before) / 1024;
    expect(image.data.length).toBe(4096 * 3072 * 4);
    // 50 MB of output and libvips' strips and caches; the full image alone would be 150 MB (RGB) or 200 MB (RGBA).
    expect(peakMb).toBeLessThan(140);
  });
});

import sharp from 'sharp';
import { zlibSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { decodePng } from './png.ts';
import { encodePng } from './encode.ts';
import { MAX_ICC_BYTES, readIccProfile, withIccProfile } from './icc.ts';

const gradient = { width: 24, height: 16, data: Uint8Array.from({ length: 24 * 16 * 4 }, (_, i) => (i % 4 === 3 ? 255 : (i * 7) % 256)) };
const raw = { raw: { width: gradient.width, height: gradient.height, channels: 4 as const } };
const jpegWithP3 = () => sharp(gradient.data, raw).withIccProfile('p3').jpeg({ quality: 90 }).toBuffer();
const plainJpeg = () => sharp(gradient.data, raw).jpeg({ quality: 90 }).toBuffer();
const bytesOf = (buffer: Buffer) => new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);

describe('ICC profiles', () => {
  it("reads a JPEG's Display P3 profile exactly as libvips embedded it", async () => {
    const jpeg = bytesOf(await jpegWithP3());
    const profile = readIccProfile(jpeg, 'jpeg');
    const { icc } = await sharp(jpeg).metadata();
    expect(profile).toBeDefined();
    expect(Buffer.from(profile!).equals(icc!)).toBe(true);
    expect(new TextDecoder().decode(profile!.subarray(36, 40))).toBe('acsp');
    expect(readIccProfile(bytesOf(await plainJpeg()), 'jpeg')).toBeUndefined();
  });

  it('embeds it in a JPEG and a PNG the server made, where libvips and our own reader find it again', async () => {
    const profile = readIccProfile(bytesOf(await jpegWithP3()), 'jpeg')!;
    const jpeg = withIccProfile(bytesOf(await plainJpeg()), 'jpeg', profile);
    const png = withIccProfile(encodePng(gradient), 'png', profile);
    for (const [bytes, format] of [[jpeg, 'jpeg'], [png, 'png']] as const) {
      const meta = await sharp(bytes).metadata();
      expect(Buffer.from(profile).equals(meta.icc!)).toBe(true);
      expect(readIccProfile(bytes, format)).toEqual(profile);
    }
    expect(decodePng(png).data).toEqual(gradient.data);
  });

  it('splits a large profile over numbered APP2 segments and joins them back in order', async () => {
    const large = Uint8Array.from({ length: 150_000 }, (_, i) => (i * 31) % 251);
    const jpeg = withIccProfile(bytesOf(await plainJpeg()), 'jpeg', large);
    expect(readIccProfile(jpeg, 'jpeg')).toEqual(large);
    const { width, height } = await sharp(jpeg).metadata();
    expect([width, height]).toEqual([24, 16]);
  });

  it('reads broken or oversized profiles as none, so the photo still decodes', async () => {
    const jpeg = withIccProfile(bytesOf(await plainJpeg()), 'jpeg', Uint8Array.from({ length: 100_000 }, (_, i) => i % 7));
    const firstSegment = jpeg.indexOf(0xe2) + 1;
    const missingPart = jpeg.slice();
    missingPart[firstSegment + 2 + 12] = 9; // the first segment claims to be number 9 of 2
    expect(readIccProfile(missingPart, 'jpeg')).toBeUndefined();
    expect(readIccProfile(jpeg.subarray(0, 40), 'jpeg')).toBeUndefined();
    const bomb = withIccProfile(encodePng(gradient), 'png', new Uint8Array(16));
    const chunkAt = 33;
    const body = new Uint8Array([...new TextEncoder().encode('x'), 0, 0, ...zlibSync(new Uint8Array(MAX_ICC_BYTES + 10))]);
    const forged = new Uint8Array([...bomb.subarray(0, chunkAt), 0, 0, body.length >> 8, body.length & 255, ...new TextEncoder().encode('iCCP'), ...body, 0, 0, 0, 0, ...bomb.subarray(chunkAt)]);
    expect(readIccProfile(forged, 'png')).toBeUndefined();
    expect(readIccProfile(encodePng(gradient), 'gif')).toBeUndefined();
  });
});

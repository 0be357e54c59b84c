import { decode as decodePng } from 'fast-png';
import { GifReader } from 'omggif';
import { describe, expect, it } from 'vitest';
import { encodeGif, encodePng, horizontalStrip, scaleImage, tensorToRgba } from './encode.ts';
import { resamplePlanes } from './resample.ts';

describe('image output', () => {
  it('turns a CHW tensor into RGBA, clamping out-of-range and non-finite values', () => {
    const rgb = tensorToRgba(Float32Array.of(1, 0, 0.5, 2, -1, NaN), 3, 1, 2);
    expect(Array.from(rgb.data)).toEqual([255, 128, 0, 255, 0, 255, 0, 255]);
    const grey = tensorToRgba(Float32Array.of(0.5), 1, 1, 1);
    expect(Array.from(grey.data)).toEqual([128, 128, 128, 255]);
  });

  it('writes PNG strips (grey when possible) that decode back exactly', () => {
    const a = tensorToRgba(Float32Array.of(0, 1, 1, 0), 1, 2, 2);
    const b = tensorToRgba(Float32Array.of(0.2, 0.4, 0.6, 0.8), 1, 2, 2);
    const png = decodePng(encodePng(horizontalStrip([a, b])));
    expect([png.width, png.height, png.channels]).toEqual([4, 2, 1]);
    expect(Array.from(png.data)).toEqual([0, 255, 51, 102, 255, 0, 153, 204]);
    const colour = decodePng(encodePng(tensorToRgba(Float32Array.of(1, 0, 0), 3, 1, 1)));
    expect(Array.from(colour.data)).toEqual([255, 0, 0]);
  });

  it('scales by nearest neighbour to the requested longer side', () => {
    const image = tensorToRgba(Float32Array.of(0, 1), 1, 1, 2);
    const big = scaleImage(image, 8, 'nearest');
    expect([big.width, big.height]).toEqual([8, 4]);
    expect(big.data[0]).toBe(0);
    expect(big.data[4 * 7]).toBe(255);
  });

  it('picks the same nearest pixels as the resampler at fractional scales', () => {
    const [w, h] = [5, 3];
    const image = tensorToRgba(Float32Array.from({ length: 3 * w * h }, (_, i) => (i * 37) % 101 / 100), 3, h, w);
    const scaled = scaleImage(image, 13, 'nearest');
    const planes = [0, 1, 2].map((c) => Float32Array.from({ length: w * h }, (_, p) => image.data[4 * p + c]));
    const reference = resamplePlanes(planes, w, h, { left: 0, top: 0, width: w, height: h }, scaled.width, scaled.height, 'nearest');
    expect(Array.from(scaled.data).filter((_, i) => i % 4 === 0)).toEqual(Array.from(reference[0]));
    expect(Array.from(scaled.data).filter((_, i) => i % 4 === 3).every((a) => a === 255)).toBe(true);
  });

  it('writes a looping GIF with one frame per image', () => {
    const frames = [0, 0.5, 1].map((v) => tensorToRgba(Float32Array.of(v, 1 - v, 0, 0.3, 0.2, v, v, 0, 1, 1, 0.5, 0), 3, 2, 2));
    const reader = new GifReader(encodeGif(frames, 80));
    expect(reader.numFrames()).toBe(3);
    expect(reader.frameInfo(1).delay).toBe(8);
    expect(reader.loopCount()).toBe(0);
  });
});

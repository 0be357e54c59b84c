import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { warpToRgba } from '#core/align/warp.ts';
import type { RgbaImage } from '#core/image/decode.ts';
import { encodePng } from '#core/image/encode.ts';
import { decodedFacePhoto } from '../../edge/testing/decoded-face.ts';
import { syntheticPng } from '../../edge/testing/images.ts';
import { loadFaceAlignStep, type FaceAlignStep } from './face-align.ts';
import { CELEBA_ALIGNED_FACE, loadImageFolder } from './image-folder.ts';

/** `photo` turned by `degrees` about its centre, edges continued, so only alignment can undo the difference. */
function rotated(photo: RgbaImage, degrees: number): RgbaImage {
  const theta = (degrees * Math.PI) / 180;
  const [a, b] = [Math.cos(theta), Math.sin(theta)];
  const [cx, cy] = [photo.width / 2, photo.height / 2];
  return warpToRgba(photo, { outputToSource: { a, b, tx: cx - (a * cx - b * cy), ty: cy - (b * cx + a * cy) }, width: photo.width, height: photo.height, outside: 'clamp' });
}

const meanAbsDifference = (p: Float32Array, q: Float32Array) => p.reduce((sum, v, i) => sum + Math.abs(v - q[i]), 0) / p.length;

describe('face-aligned image folders', () => {
  const root = mkdtempSync(join(tmpdir(), 'latentlab-aligned-'));
  let step: FaceAlignStep;
  beforeAll(() => {
    step = loadFaceAlignStep(CELEBA_ALIGNED_FACE);
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  /** The same generated face framed three ways (moved, enlarged, turned) plus a picture without a face. */
  function photoFolder(name: string, withFaces = true): string {
    const dir = join(root, name);
    mkdirSync(dir);
    if (withFaces) {
      writeFileSync(join(dir, 'a-centred.png'), encodePng(decodedFacePhoto(160, 120, 1.5)));
      writeFileSync(join(dir, 'b-moved.png'), encodePng(decodedFacePhoto(200, 150, 1.8, 80, 70)));
      writeFileSync(join(dir, 'c-turned.png'), encodePng(rotated(decodedFacePhoto(240, 180, 2), 10)));
    }
    writeFileSync(join(dir, 'd-shapes.png'), syntheticPng(5, 160, 120));
    return dir;
  }

  it('frames every face alike, skips pictures without one and states the face positions in the input', async () => {
    const dir = photoFolder('faces');
    const aligned = await loadImageFolder({ dir, size: 32, align: step });
    expect(aligned.dataset.ids).toEqual(['a-centred.png', 'b-moved.png', 'c-turned.png']);
    expect(aligned.skipped.map((s) => s.file)).toEqual(['d-shapes.png']);
    expect(aligned.skipped[0].reason).toMatch(/^no_face/);
    expect(aligned.input.face).toEqual(CELEBA_ALIGNED_FACE);

    const image = (loaded: typeof aligned, i: number) => loaded.dataset.images.subarray(i * 3 * 32 * 32, (i + 1) * 3 * 32 * 32);
    const plain = await loadImageFolder({ dir, size: 32, limit: 3 });
    for (const i of [1, 2]) {
      // Aligned copies of one face agree far better than the same photos merely cropped and resized.
      expect(meanAbsDifference(image(aligned, 0), image(aligned, i))).toBeLessThan(0.05);
      expect(meanAbsDifference(image(aligned, 0), image(aligned, i))).toBeLessThan(meanAbsDifference(image(plain, 0), image(plain, i)) / 2);
    }
  });

  it('keeps aligned and unaligned pixels under different cache keys, and recounts the skipped from the cache', async () => {
    const dir = photoFolder('cached');
    const cacheDir = join(root, 'cache');
    const first = await loadImageFolder({ dir, size: 16, align: step, cacheDir });
    const plain = await loadImageFolder({ dir, size: 16, cacheDir });
    expect(plain.fromCache).toBe(false);
    expect(plain.dataset.count).toBe(4);
    const again = await loadImageFolder({ dir, size: 16, align: step, cacheDir });
    expect(again.fromCache).toBe(true);
    expect(again.dataset.images).toEqual(first.dataset.images);
    expect(again.skipped.map((s) => s.file)).toEqual(['d-shapes.png']);
  });

  it('stops with a clear error when no picture holds a face, and refuses a box crop on aligned faces', async () => {
    const dir = photoFolder('faceless', false);
    await expect(loadImageFolder({ dir, size: 16, align: step })).rejects.toThrow(/no usable face in any of the 1 images .*d-shapes\.png: no_face/);
    await expect(loadImageFolder({ dir, size: 16, align: step, crop: { kind: 'box', left: 0, top: 0, width: 1, height: 1 } })).rejects.toThrow(
      /center-square crop/,
    );
  });
});

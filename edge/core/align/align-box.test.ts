import { beforeAll, describe, expect, it } from 'vitest';
import { decodedFacePhoto } from '../../testing/decoded-face.ts';
import { InputError } from '../errors.ts';
import type { RgbaImage } from '../image/decode.ts';
import { alignWithinBox } from './align-box.ts';
import type { AlignTarget, FaceAligner } from './aligner.ts';
import type { FaceBox } from './detect.ts';
import { faceAnchors } from './landmarks.ts';
import { nodeAligner } from '../../testing/align-fixtures.ts';

const TARGET: AlignTarget = { width: 64, height: 64, face: { leftEye: [0.3555, 0.5189], rightEye: [0.6323, 0.52], mouth: [0.4926, 0.8244] } };

describe('alignWithinBox', () => {
  let aligner: FaceAligner;
  let photo: RgbaImage;
  let detected: FaceBox;
  beforeAll(async () => {
    aligner = nodeAligner();
    photo = decodedFacePhoto();
    [detected] = await aligner.detect(photo);
  });

  it('gives exactly what align() gives when handed the detected box', async () => {
    const automatic = await aligner.align(photo, TARGET);
    const boxed = await alignWithinBox(aligner, photo, detected, TARGET, automatic.faceCount);
    expect(boxed.transform).toEqual(automatic.transform);
    expect(boxed.landmarks).toEqual(automatic.landmarks);
    expect(boxed.image.data).toEqual(automatic.image.data);
  });

  it('finds the same eyes and mouth in a box moved and enlarged around the face, with a different transform', async () => {
    const moved = { ...detected, left: detected.left - 8, top: detected.top + 5, width: detected.width * 1.15, height: detected.height * 1.15 };
    const [original, shifted] = [await alignWithinBox(aligner, photo, detected, TARGET), await alignWithinBox(aligner, photo, moved, TARGET)];
    const [a, b] = [faceAnchors(original.landmarks), faceAnchors(shifted.landmarks)];
    // BlazeFace's box is tighter than the old detector's, so the same pixel shift moves the crop more (0.09 here).
    for (const key of ['leftEye', 'rightEye', 'mouth'] as const) {
      expect(Math.hypot(a[key][0] - b[key][0], a[key][1] - b[key][1]) / detected.width).toBeLessThan(0.1);
    }
    expect(shifted.transform.matrix).not.toEqual(original.transform.matrix);
    for (const key of ['left', 'top', 'width', 'height'] as const) expect(shifted.box[key]).toBeCloseTo(moved[key], 9);
  });

  it('clips a box that overhangs the photo and refuses boxes it cannot use', async () => {
    const overhang = await alignWithinBox(aligner, photo, { left: -20, top: -10, width: 200, height: 200, score: 1 }, TARGET);
    expect(overhang.box).toEqual({ left: 0, top: 0, width: 180, height: 190, score: 1 });
    for (const box of [
      { left: Number.NaN, top: 0, width: 50, height: 50, score: 1 },
      { left: 400, top: 0, width: 50, height: 50, score: 1 },
      { left: 10, top: 10, width: 12, height: 12, score: 1 },
    ]) {
      const error = await alignWithinBox(aligner, photo, box, TARGET).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InputError);
      expect((error as InputError).status).toBe(422);
    }
  });
});

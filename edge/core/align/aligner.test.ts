import { beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../errors.ts';
import type { RgbaImage } from '../image/decode.ts';
import type { AlignTarget, FaceAligner } from './aligner.ts';
import { decodedFace } from '../../testing/decoded-face.ts';
import { celebaImage, celebaPresent, nodeAligner, placeOnCanvas } from '../../testing/align-fixtures.ts';

const TARGET: AlignTarget = { width: 64, height: 64, face: { leftEye: [0.3555, 0.5189], rightEye: [0.6323, 0.52], mouth: [0.4926, 0.8244] } };

/** A smooth colour gradient with soft blobs: image-like, but nothing a face detector should call a face. */
function syntheticScene(width: number, height: number): RgbaImage {
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = (y * width + x) * 4;
      data[p] = (x * 255) / width;
      data[p + 1] = 128 + 100 * Math.sin(x / 9) * Math.cos(y / 13);
      data[p + 2] = (y * 255) / height;
      data[p + 3] = 255;
    }
  }
  return { width, height, data };
}

async function rejection(promise: Promise<unknown>): Promise<InputError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(InputError);
  return error as InputError;
}

describe('FaceAligner', () => {
  let aligner: FaceAligner;
  beforeAll(() => {
    aligner = nodeAligner();
  });

  it('answers 422 no_face for an image without a face', async () => {
    const error = await rejection(aligner.align(syntheticScene(200, 150), TARGET));
    expect(error.status).toBe(422);
    expect(error.code).toBe('no_face');
  });

  it('refuses options it cannot honour', () => {
    expect(() => nodeAligner({ scoreThreshold: 1.5 })).toThrow(/scoreThreshold/);
  });

  it('finds a face crop so tight the face fills the photo', async () => {
    // The generated 64×64 face is its whole picture, as in an already aligned face crop.
    const [face, ...others] = await aligner.detect(decodedFace());
    expect(others).toEqual([]);
    expect(face.width).toBeGreaterThan(40);
    expect(Math.abs(face.left + face.width / 2 - 32)).toBeLessThan(6);
    const aligned = await aligner.align(decodedFace(), TARGET);
    expect(aligned.transform.scale).toBeGreaterThan(0.8);
    expect(aligned.transform.scale).toBeLessThan(1.4);
  });

  describe.skipIf(!celebaPresent)('on CelebA faces read in place', () => {
    it('recovers the rotation and scale applied to a face', async () => {
      const face = celebaImage(1);
      const upright = await aligner.align(placeOnCanvas(face, 320, 1.8), TARGET);
      for (const [scale, degrees] of [
        [1.5, 15],
        [2.1, -10],
      ]) {
        const moved = await aligner.align(placeOnCanvas(face, 320, scale, degrees), TARGET);
        // Moving the face by (scale, rotation) must be undone by the alignment: the ratio of the transforms.
        expect(moved.transform.scale / upright.transform.scale).toBeCloseTo(1.8 / scale, 1);
        expect(Math.abs(moved.transform.rotationDegrees - upright.transform.rotationDegrees + degrees)).toBeLessThan(3);
        expect(moved.image.width).toBe(64 * moved.supersample);
      }
    });

    it('answers 422 face_too_small below the minimum face size', async () => {
      const strict = nodeAligner({ minFaceSize: 400 });
      const error = await rejection(strict.align(placeOnCanvas(celebaImage(2), 320, 1.8), TARGET));
      expect(error.code).toBe('face_too_small');
      expect(error.status).toBe(422);
    });

    it('picks the largest of several faces and reports the count', async () => {
      const small = placeOnCanvas(celebaImage(2), 200, 1.6);
      const large = placeOnCanvas(celebaImage(1), 240, 2.0);
      const width = 460;
      const height = 240;
      const data = new Uint8Array(width * height * 4);
      for (let y = 0; y < height; y++) {
        data.set(large.data.subarray(y * 240 * 4, (y + 1) * 240 * 4), y * width * 4);
        if (y >= 20 && y < 220) data.set(small.data.subarray((y - 20) * 200 * 4, (y - 19) * 200 * 4), (y * width + 250) * 4);
      }
      const result = await aligner.align({ width, height, data }, TARGET);
      expect(result.faceCount).toBe(2);
      expect(result.box.left + result.box.width).toBeLessThan(250);
      expect(result.others).toHaveLength(1);
      expect(result.others[0].left).toBeGreaterThan(250);
    });

    it.each([70, -100, 180])('finds a face turned by %i° in a turned copy of the photo and maps it back', async (degrees) => {
      const upright = await aligner.align(placeOnCanvas(celebaImage(1), 320, 1.8), TARGET);
      const turned = await aligner.align(placeOnCanvas(celebaImage(1), 320, 1.8, degrees), TARGET);
      const difference = (((turned.transform.rotationDegrees - upright.transform.rotationDegrees + degrees) % 360) + 540) % 360 - 180;
      expect(Math.abs(difference)).toBeLessThan(3);
      expect(turned.transform.scale / upright.transform.scale).toBeCloseTo(1, 1);
      // The box centre turns with the face about the canvas centre.
      const theta = (degrees * Math.PI) / 180;
      const [ux, uy] = [upright.box.left + upright.box.width / 2 - 160, upright.box.top + upright.box.height / 2 - 160];
      const expected = [160 + Math.cos(theta) * ux - Math.sin(theta) * uy, 160 + Math.sin(theta) * ux + Math.cos(theta) * uy];
      expect(Math.hypot(turned.box.left + turned.box.width / 2 - expected[0], turned.box.top + turned.box.height / 2 - expected[1])).toBeLessThan(12);
    });
  });
});

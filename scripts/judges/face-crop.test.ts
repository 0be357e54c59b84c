import { describe, expect, it } from 'vitest';
import type { Similarity } from '#core/align/geometry.ts';
import { CELEBA_ALIGNED_FACE } from '../../train/data/image-folder.ts';
import { cutJudgeCrop, frameToModel, judgeSquare } from './face-crop.ts';

/** A smooth test pattern over a 64×64 model frame, drawn at `scale` pixels per model pixel and rotated by `degrees`. */
function pattern(scale: number, degrees: number, size: number): { image: { width: number; height: number; data: Uint8Array }; toModel: Similarity } {
  const t = (degrees * Math.PI) / 180;
  // model → image: rotate about the frame centre (32, 32), scale, then centre in the image.
  const a = scale * Math.cos(t);
  const b = scale * Math.sin(t);
  const modelToImage = { a, b, tx: size / 2 - (a * 32 - b * 32), ty: size / 2 - (b * 32 + a * 32) };
  const n = a * a + b * b;
  const toModel = { a: a / n, b: -b / n, tx: -((a / n) * modelToImage.tx + (b / n) * modelToImage.ty), ty: -((-b / n) * modelToImage.tx + (a / n) * modelToImage.ty) };
  const data = new Uint8Array(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const mx = toModel.a * (x + 0.5) - toModel.b * (y + 0.5) + toModel.tx;
      const my = toModel.b * (x + 0.5) + toModel.a * (y + 0.5) + toModel.ty;
      const i = (y * size + x) * 4;
      data[i] = 128 + 100 * Math.sin(mx / 5);
      data[i + 1] = 128 + 100 * Math.cos(my / 7);
      data[i + 2] = (2 * mx + my) % 256;
      data[i + 3] = 255;
    }
  }
  return { image: { width: size, height: size, data }, toModel };
}

describe('judge crop', () => {
  it('lies inside the 64×64 frame for CelebA framing', () => {
    const { centre, side } = judgeSquare(CELEBA_ALIGNED_FACE);
    expect(centre[0] - side / 2).toBeGreaterThan(0);
    expect(centre[1] - side / 2).toBeGreaterThan(0);
    expect(centre[1] + side / 2).toBeLessThan(1);
  });

  it('cuts the same face region from a large rotated photo as from the model frame itself', () => {
    const square = judgeSquare(CELEBA_ALIGNED_FACE);
    const frame = pattern(4, 0, 256);
    const photo = pattern(5, 12, 480);
    const fromFrame = cutJudgeCrop(frame.image, frameToModel(frame.image, { width: 64 }), { width: 64 }, square, 32);
    const fromPhoto = cutJudgeCrop(photo.image, photo.toModel, { width: 64 }, square, 32);
    let error = 0;
    for (let i = 0; i < fromFrame.hwc.length; i++) error += Math.abs(fromFrame.hwc[i] - fromPhoto.hwc[i]);
    expect(fromFrame.hwc.length).toBe(32 * 32 * 3);
    expect(error / fromFrame.hwc.length).toBeLessThan(0.03);
  });
});

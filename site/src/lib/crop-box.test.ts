import { describe, expect, it } from 'vitest';
import { cropSchema } from '../../../edge/core/manifest.ts';
import { cropBox } from './crop-box.ts';

describe('cropBox', () => {
  it('is a centred square of the shorter side at full size', () => {
    expect(cropBox(200, 100, { size: 1, centerX: 0.5, centerY: 0.5 })).toEqual({ kind: 'box', left: 0.25, top: 0, width: 0.5, height: 1 });
  });

  it('keeps the box inside the image when the centre is pushed to a corner', () => {
    const box = cropBox(300, 200, { size: 0.5, centerX: 1, centerY: 0 });
    if (box.kind !== 'box') throw new Error('expected a box');
    expect(box.left + box.width).toBeCloseTo(1, 9);
    expect(box.top).toBe(0);
    expect(box.width * 300).toBeCloseTo(box.height * 200, 9);
    expect(cropSchema.safeParse(box).success).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import { cropSchema } from '#core/manifest.ts';
import { cropToBox } from './box-geometry.ts';
import { rectToCropRule } from './crop-box.ts';

describe('rectToCropRule', () => {
  it('turns a box in photo pixels into fractions of the photo', () => {
    expect(rectToCropRule({ left: 50, top: 0, width: 100, height: 100 }, 200, 100)).toEqual({ kind: 'box', left: 0.25, top: 0, width: 0.5, height: 1 });
  });

  it('gives the full-size centred slider square as a centred square of the shorter side', () => {
    const rect = cropToBox({ size: 1, centerX: 0.5, centerY: 0.5 }, 1, { width: 200, height: 100 });
    expect(rectToCropRule(rect, 200, 100)).toEqual({ kind: 'box', left: 0.25, top: 0, width: 0.5, height: 1 });
  });

  it('gives a valid crop rule for a slider square pushed into a corner, still square in pixels', () => {
    const rule = rectToCropRule(cropToBox({ size: 0.5, centerX: 1, centerY: 0 }, 1, { width: 300, height: 200 }), 300, 200);
    if (rule.kind !== 'box') throw new Error('expected a box');
    expect(rule.left + rule.width).toBeCloseTo(1, 9);
    expect(rule.top).toBe(0);
    expect(rule.width * 300).toBeCloseTo(rule.height * 200, 9);
    expect(cropSchema.safeParse(rule).success).toBe(true);
  });
});

import type { CropRule } from '#core/manifest.ts';
import type { Rect } from './box-geometry.ts';

/** A square crop box as the sliders describe it: side as a fraction of the shorter edge, centre as fractions. */
export interface CropState {
  size: number;
  centerX: number;
  centerY: number;
}

/** A box in photo pixels as the manifest's crop rule (fractions of the photo). */
export function rectToCropRule(rect: Rect, width: number, height: number): CropRule {
  return { kind: 'box', left: rect.left / width, top: rect.top / height, width: rect.width / width, height: rect.height / height };
}


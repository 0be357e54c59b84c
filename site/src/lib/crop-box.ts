import type { CropRule } from '../../../edge/core/manifest.ts';

/** A square crop box as the sliders describe it: side as a fraction of the shorter edge, centre as fractions. */
export interface CropState {
  size: number;
  centerX: number;
  centerY: number;
}

/** The square crop box (as fractions of the image) that a CropState describes, kept inside the image. */
export function cropBox(width: number, height: number, state: CropState): CropRule {
  const side = state.size * Math.min(width, height);
  const left = Math.min(Math.max(state.centerX * width - side / 2, 0), width - side);
  const top = Math.min(Math.max(state.centerY * height - side / 2, 0), height - side);
  return { kind: 'box', left: left / width, top: top / height, width: side / width, height: side / height };
}

import { Random } from '#core/random.ts';

export interface SyntheticImage {
  /** CHW floats in [0,1]. */
  pixels: Float32Array;
  round: boolean;
  red: boolean;
}

/**
 * A small family of RGB pictures — a red or blue disc or square on a vertical gradient — with two binary
 * attributes, so a fixture model has directions ("Round", "Red") to find without any real photos.
 */
export function syntheticImage(random: Random, size: number): SyntheticImage {
  const round = random.uniform() < 0.5;
  const red = random.uniform() < 0.5;
  const cx = size * (0.35 + 0.3 * random.uniform());
  const cy = size * (0.35 + 0.3 * random.uniform());
  const radius = size * (0.2 + 0.12 * random.uniform());
  const top = 0.2 + 0.5 * random.uniform();
  const bottom = 0.2 + 0.5 * random.uniform();
  const colour = red ? [0.9, 0.15, 0.1] : [0.1, 0.2, 0.9];
  const n = size * size;
  const pixels = new Float32Array(3 * n);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const dx = x + 0.5 - cx;
      const dy = y + 0.5 - cy;
      const inside = round ? dx * dx + dy * dy <= radius * radius : Math.abs(dx) <= radius * 0.9 && Math.abs(dy) <= radius * 0.9;
      const background = top + ((bottom - top) * y) / (size - 1);
      for (let c = 0; c < 3; c++) pixels[c * n + y * size + x] = inside ? colour[c] : background;
    }
  }
  return { pixels, round, red };
}

/** CHW floats -> RGBA bytes, for building upload fixtures. */
export function chwToRgba(pixels: Float32Array, width: number, height: number): Uint8Array {
  const n = width * height;
  const out = new Uint8Array(4 * n);
  for (let p = 0; p < n; p++) {
    for (let c = 0; c < 3; c++) out[4 * p + c] = Math.round(pixels[c * n + p] * 255);
    out[4 * p + 3] = 255;
  }
  return out;
}

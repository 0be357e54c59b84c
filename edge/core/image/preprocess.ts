import type { CropRule, ManifestInput } from '../manifest.ts';
import type { RgbaImage } from './decode.ts';
import { resamplePlanes, type Region } from './resample.ts';

export function cropRegion(rule: CropRule, width: number, height: number): Region {
  switch (rule.kind) {
    case 'none':
      return { left: 0, top: 0, width, height };
    case 'center-square': {
      const side = Math.min(width, height);
      return { left: (width - side) / 2, top: (height - side) / 2, width: side, height: side };
    }
    case 'box':
      return { left: rule.left * width, top: rule.top * height, width: rule.width * width, height: rule.height * height };
  }
}

const LUMA = [0.299, 0.587, 0.114] as const;

/** Unpremultiplied RGBA -> float planes in [0,1], transparent pixels composited over white as viewers show them. */
function toPlanes(image: RgbaImage, grayscale: boolean): Float32Array[] {
  const n = image.width * image.height;
  const rgb = [new Float32Array(n), new Float32Array(n), new Float32Array(n)];
  const d = image.data;
  for (let p = 0; p < n; p++) {
    const alpha = d[4 * p + 3] / 255;
    for (let c = 0; c < 3; c++) rgb[c][p] = (d[4 * p + c] / 255) * alpha + (1 - alpha);
  }
  if (!grayscale) return rgb;
  const gray = new Float32Array(n);
  for (let p = 0; p < n; p++) gray[p] = LUMA[0] * rgb[0][p] + LUMA[1] * rgb[1][p] + LUMA[2] * rgb[2][p];
  return [gray];
}

function borderMean(plane: Float32Array, width: number, height: number): number {
  let sum = 0;
  let count = 0;
  for (let x = 0; x < width; x++) {
    sum += plane[x] + plane[(height - 1) * width + x];
    count += 2;
  }
  for (let y = 1; y < height - 1; y++) {
    sum += plane[y * width] + plane[y * width + width - 1];
    count += 2;
  }
  return sum / count;
}

/** Applies the manifest's crop, resize and colour rule: decoded pixels -> one CHW float image in [0,1]. */
export function preprocessImage(image: RgbaImage, input: ManifestInput): Float32Array {
  const { width, height, channels, preprocess } = input;
  const planes = toPlanes(image, channels === 1);
  const region = cropRegion(preprocess.crop, image.width, image.height);
  const resized = resamplePlanes(planes, image.width, image.height, region, width, height, preprocess.resize);
  const out = new Float32Array(channels * width * height);
  resized.forEach((plane, c) => out.set(plane, c * width * height));
  for (let i = 0; i < out.length; i++) out[i] = Math.min(1, Math.max(0, out[i]));
  if (preprocess.invertIfLightBackground && borderMean(out, width, height) > 0.5) {
    for (let i = 0; i < out.length; i++) out[i] = 1 - out[i];
  }
  return out;
}

import type { CropRule, ManifestInput } from '../manifest.ts';
import type { RgbaImage } from './decode.ts';
import { resampleRgba, type Region } from './resample.ts';

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
  const region = cropRegion(preprocess.crop, image.width, image.height);
  const resized = resampleRgba(image.data, image.width, image.height, region, width, height, preprocess.resize, channels === 1);
  const out = new Float32Array(channels * width * height);
  resized.forEach((plane, c) => out.set(plane, c * width * height));
  for (let i = 0; i < out.length; i++) out[i] = Math.min(1, Math.max(0, out[i]));
  if (preprocess.invertIfLightBackground && borderMean(out, width, height) > 0.5) {
    for (let i = 0; i < out.length; i++) out[i] = 1 - out[i];
  }
  return out;
}

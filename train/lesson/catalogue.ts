import conv from '../configs/conv-digits.json' with { type: 'json' };
import denoising from '../configs/denoising-digits.json' with { type: 'json' };
import dense from '../configs/dense-digits.json' with { type: 'json' };
import sparse from '../configs/sparse-digits.json' with { type: 'json' };
import { parseModel, type ModelSpec } from '../model/spec.ts';
import type { OptimizerConfigInput } from '../optim/config.ts';

/** The code size the lesson compares every model with: PCA keeps this many components. */
export const PCA_CODE_SIZE = 32;

export interface LessonNetwork {
  key: 'dense' | 'conv' | 'sparse' | 'denoising';
  kind: 'autoencoder';
  title: string;
  /** What the lecture shows with it, one sentence for the page. */
  lesson: string;
  spec: ModelSpec;
  batch: number;
  optimizer: OptimizerConfigInput;
}

export interface LessonPca {
  key: 'pca';
  kind: 'pca';
  title: string;
  lesson: string;
  code: number;
}

export type LessonModel = LessonNetwork | LessonPca;

interface TrainerConfig {
  model: unknown;
  training: { batchSize: number; optimizer: OptimizerConfigInput };
}

/** The same declarations the trainer's configs hold (train/configs/*.json), so the tab trains exactly those networks. */
const network = (key: LessonNetwork['key'], title: string, lesson: string, config: TrainerConfig): LessonNetwork => ({
  key,
  kind: 'autoencoder',
  title,
  lesson,
  spec: parseModel(config.model),
  batch: config.training.batchSize,
  optimizer: config.training.optimizer,
});

export const LESSON_MODELS: readonly LessonModel[] = [
  { key: 'pca', kind: 'pca', title: 'PCA (code 32)', lesson: 'The linear baseline, fitted in closed form: the best any linear code of this size can do.', code: PCA_CODE_SIZE },
  network('dense', 'Dense autoencoder (code 32)', 'A deep non-linear encoder and decoder: 784-512-128-32 and back.', dense as TrainerConfig),
  network('conv', 'Convolutional autoencoder (code 32)', 'Stride-2 convolutions share weights across the image; the shipped digits model.', conv as TrainerConfig),
  network('sparse', 'Sparse autoencoder (1,024 units, L1)', 'More code units than pixels, kept from copying the input by an L1 penalty on the code.', sparse as TrainerConfig),
  network('denoising', 'Denoising autoencoder (1,024 units)', 'More code units than pixels, kept from copying by noise on the input it must remove.', denoising as TrainerConfig),
];

export function lessonModel(key: string): LessonModel {
  const model = LESSON_MODELS.find((m) => m.key === key);
  if (!model) throw new Error(`unknown lesson model "${key}"; known: ${LESSON_MODELS.map((m) => m.key).join(', ')}`);
  return model;
}

import { createHash } from 'node:crypto';
import { join, resolve } from 'node:path';
import { imageSize } from '../data/dataset.ts';
import { cachedFitPca } from '../pca/cache.ts';
import type { PcaModel } from '../pca/fit.ts';
import { ConfigError, type TrainConfig } from './config.ts';
import type { DataStage, RunContext } from './stage-data.ts';
import type { RunProgress } from './progress.ts';
import { runTrainingLoop, type TrainingOutcome } from './train-loop.ts';

export interface FitOptions {
  fresh: boolean;
  stopAfterSteps?: number;
  interrupted: () => boolean;
  /** Starts the whole-run progress bar (see RunProgress); absent when there is no terminal to show it. */
  progress?: (trainingImagesLeft: number) => RunProgress;
}

export interface FitStage {
  pca: PcaModel;
  /** PCA's components: the code size, unless pixels or training images limit it. */
  pcaDim: number;
  pcaLimit?: 'pixels' | 'training images − 1';
  /** The autoencoder's training, when the config has a model. */
  outcome?: TrainingOutcome;
  runDir?: string;
}

/**
 * The fields that determine the trained weights: a checkpoint is reused only when they are unchanged.
 * The time budget is left out: it decides where a run stops, not the steps it takes.
 */
export function trainingHash(config: TrainConfig, validationIds: string[]): string {
  const training = config.training && { ...config.training, maxMinutes: undefined };
  // The held-out ids catch what the config cannot: a changed split (e.g. a new random generator) must not resume old weights.
  const split = createHash('sha256').update(validationIds.join('\n')).digest('hex');
  const relevant = { model: config.model, codeSize: config.codeSize, data: config.data, training, engine: config.engine, split };
  return createHash('sha256').update(JSON.stringify(relevant)).digest('hex').slice(0, 12);
}

/** Stage 2: the PCA baseline (cached by the training pixels) and, for a model config, the training loop. */
export async function fitStage(ctx: RunContext, { train, validation }: DataStage, options: FitOptions): Promise<FitStage> {
  const { config, file, spec } = ctx;
  // PCA has at most one direction per pixel, and per training image but one. A code wider than that (the
  // overcomplete sparse, redundant and denoising models) faces a PCA that keeps every direction the training
  // images span: the baseline is reported, but no ratio is drawn from a comparison at unequal code sizes.
  const pcaDim = Math.min(config.codeSize, imageSize(train.shape), train.count - 1);
  const pcaLimit = pcaDim === config.codeSize ? undefined : pcaDim === imageSize(train.shape) ? 'pixels' : 'training images − 1';
  if (pcaLimit && !spec) throw new ConfigError(`${file}: codeSize ${config.codeSize} exceeds what PCA can fit here (${pcaDim}, the number of ${pcaLimit})`);
  const pca = await cachedFitPca(join(ctx.cacheRoot, '.cache', 'pca'), train.images, train.count, train.shape, pcaDim, { seed: config.data.splitSeed });
  if (!spec) return { pca, pcaDim, pcaLimit };
  const hash = trainingHash(config, validation.ids);
  const runDir = resolve(config.runDir ?? join(ctx.cacheRoot, '.cache', 'runs', `${config.id}-${hash}`));
  const outcome = await runTrainingLoop({ config, spec, train, validation, runDir, configHash: hash, log: ctx.log, ...options });
  if (outcome.finished) ctx.log(`trained ${outcome.steps} steps in ${outcome.seconds.toFixed(1)} s`);
  return { pca, pcaDim, pcaLimit, outcome, runDir };
}

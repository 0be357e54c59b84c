import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BatchIteratorState } from '../data/batches.ts';
import { BatchIterator } from '../data/batches.ts';
import { imageSize, type Dataset } from '../data/dataset.ts';
import { loadCheckpoint, saveCheckpoint } from '../engine/checkpoint.ts';
import { createEngine } from '../engine/create.ts';
import type { TrainingEngine } from '../engine/engine.ts';
import type { ModelSpec } from '../model/spec.ts';
import type { OptimizerConfigInput } from '../optim/config.ts';
import type { EpochRecord } from '../report/report.ts';
import type { TrainConfig } from './config.ts';
import type { RunProgress } from './progress.ts';

export const CHECKPOINT_FILE = 'checkpoint.bin';

/** What a checkpoint carries besides the engine state: the curve so far and the open epoch's running sums. */
interface RunMeta {
  configHash: string;
  curve: EpochRecord[];
  epochLossSum: number;
  epochSteps: number;
  /** Training seconds spent before this session. */
  seconds: number;
  done: boolean;
}

export class Interrupted extends Error {
  constructor(readonly checkpoint: string) {
    super(`interrupted: checkpoint saved to ${checkpoint}; run the same command again to resume`);
    this.name = 'Interrupted';
  }
}

export interface TrainingOutcome {
  params: Map<string, Float32Array>;
  curve: EpochRecord[];
  steps: number;
  seconds: number;
  resumedFromStep: number;
  /** False when --stop-after ended the session early. */
  finished: boolean;
}

export interface LoopOptions {
  config: TrainConfig;
  spec: ModelSpec;
  train: Dataset;
  validation: Dataset;
  runDir: string;
  configHash: string;
  fresh: boolean;
  stopAfterSteps?: number;
  /** Set when the user pressed Ctrl-C: the loop saves a checkpoint after the current step and stops. */
  interrupted: () => boolean;
  /** Starts the whole-run progress bar once the training images left are known (after a resume). */
  progress?: (trainingImagesLeft: number) => RunProgress;
  log: (line: string) => void;
}

/** Mean squared error of inference-mode reconstructions over a whole dataset. */
export async function validationMse(engine: TrainingEngine, data: Dataset): Promise<number> {
  const out = await engine.reconstruct(data.images, data.count);
  let sum = 0;
  for (let i = 0; i < out.length; i++) {
    const d = out[i] - data.images[i];
    sum += d * d;
  }
  return sum / out.length;
}

function optimizerFor(config: TrainConfig, totalSteps: number): OptimizerConfigInput {
  const optimizer = config.training!.optimizer;
  const schedule = optimizer.schedule.kind === 'cosine' ? { ...optimizer.schedule, totalSteps: optimizer.schedule.totalSteps ?? totalSteps } : optimizer.schedule;
  return { ...optimizer, schedule } as OptimizerConfigInput;
}

/**
 * Trains (or resumes) the autoencoder. The batch order, the engine's generator and the optimizer moments are
 * all in the checkpoint, so an interrupted and resumed run follows the same loss curve as an uninterrupted one.
 */
export async function runTrainingLoop(options: LoopOptions): Promise<TrainingOutcome> {
  const { config, spec, train, validation, runDir } = options;
  const training = config.training!;
  mkdirSync(runDir, { recursive: true });
  const checkpointPath = join(runDir, CHECKPOINT_FILE);
  const makeIterator = (state?: BatchIteratorState) => new BatchIterator(train, { batchSize: training.batchSize, seed: training.seed, flip: config.data.flip, dropLast: true }, state);
  let iterator = makeIterator();
  const perEpoch = iterator.batchesPerEpoch;
  const totalSteps = perEpoch * training.epochs;
  const engine = await createEngine(config.engine, { spec, batch: training.batchSize, seed: training.seed, optimizer: optimizerFor(config, totalSteps), device: config.device });

  let meta: RunMeta = { configHash: options.configHash, curve: [], epochLossSum: 0, epochSteps: 0, seconds: 0, done: false };
  let step = 0;
  if (!options.fresh && existsSync(checkpointPath)) {
    const checkpoint = await loadCheckpoint(checkpointPath);
    const saved = checkpoint.meta as unknown as RunMeta | undefined;
    if (saved?.configHash !== options.configHash) {
      throw new Error(`${checkpointPath} belongs to another configuration; pass --fresh to start over or --runDir to use another folder`);
    }
    engine.load(checkpoint.engine);
    iterator = makeIterator(checkpoint.data as BatchIteratorState);
    meta = saved;
    step = checkpoint.engine.step;
    // A finished run continues when it now has more to do (more epochs, or a larger time budget).
    meta.done = step >= totalSteps || (training.maxMinutes !== undefined && meta.seconds >= training.maxMinutes * 60);
    options.log(meta.done ? `training already finished (${step} steps); evaluating` : `resuming from ${checkpointPath} at step ${step} of ${totalSteps}`);
  }
  const resumedFromStep = step;

  const save = async () => saveCheckpoint(checkpointPath, { engine: engine.state(), data: iterator.state, meta: meta as unknown as Record<string, unknown> });
  const sessionStart = performance.now();
  const priorSeconds = meta.seconds;
  const elapsed = () => priorSeconds + (performance.now() - sessionStart) / 1000;
  const progress = options.progress?.(meta.done ? 0 : (totalSteps - step) * training.batchSize);
  const pixelsPerImage = imageSize(train.shape);
  let finished = meta.done;
  try {
    let sessionSteps = 0;
    let windowStart = performance.now();
    let windowImages = 0;
    let smoothed = Number.NaN;
    while (!finished) {
      if (options.interrupted()) {
        meta.seconds = elapsed();
        await save();
        throw new Interrupted(checkpointPath);
      }
      if (options.stopAfterSteps !== undefined && sessionSteps >= options.stopAfterSteps) {
        meta.seconds = elapsed();
        await save();
        options.log(`stopped after ${sessionSteps} steps at step ${step}; checkpoint ${checkpointPath}`);
        break;
      }
      const batch = iterator.next();
      if (batch.images.length !== training.batchSize * pixelsPerImage) throw new Error(`internal: batch of ${batch.count} images, expected ${training.batchSize}`);
      const { loss } = await engine.step(batch.images);
      step++;
      sessionSteps++;
      meta.epochLossSum += loss;
      meta.epochSteps++;
      windowImages += batch.count;
      smoothed = Number.isNaN(smoothed) ? loss : 0.95 * smoothed + 0.05 * loss;
      const now = performance.now();
      progress?.training(sessionSteps * training.batchSize, { epoch: batch.epoch + 1, step, loss: smoothed, imagesPerSecond: (windowImages * 1000) / Math.max(1, now - windowStart) });
      if (now - windowStart > 10_000) {
        windowStart = now;
        windowImages = 0;
      }
      const epochEnd = step % perEpoch === 0;
      if (epochEnd) {
        meta.curve.push({
          epoch: step / perEpoch,
          step,
          trainLoss: meta.epochLossSum / meta.epochSteps,
          validationMse: await validationMse(engine, validation),
          seconds: elapsed(),
        });
        meta.epochLossSum = 0;
        meta.epochSteps = 0;
        const outOfTime = training.maxMinutes !== undefined && elapsed() >= training.maxMinutes * 60;
        if (outOfTime && step < totalSteps) options.log(`\ntime budget of ${training.maxMinutes} min reached after epoch ${step / perEpoch}`);
        finished = step >= totalSteps || outOfTime;
        meta.done = finished;
      }
      if (epochEnd || step % training.checkpointEverySteps === 0) {
        meta.seconds = elapsed();
        await save();
      }
    }
  } catch (error) {
    progress?.stop();
    throw error;
  }
  if (!finished) progress?.stop();
  const params = new Map([...engine.params()].map(([name, values]) => [name, Float32Array.from(values)]));
  await engine.dispose();
  return { params, curve: meta.curve, steps: step, seconds: meta.done ? meta.seconds : elapsed(), resumedFromStep, finished };
}

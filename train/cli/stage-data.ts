import { join } from 'node:path';
import type { Dataset } from '../data/dataset.ts';
import { deviceProblem } from '../engine/ort-session.ts';
import { inferShapes } from '../model/shapes.ts';
import type { ModelSpec } from '../model/spec.ts';
import { ConfigError, type TrainConfig } from './config.ts';
import { loadTrainingData, type TrainingData } from './data.ts';

/** What every stage of a run may read: the config, where it came from, and where caches go. */
export interface RunContext {
  config: TrainConfig;
  /** The config file, for messages. */
  file: string;
  /** The autoencoder declaration; undefined for a PCA config. */
  spec?: ModelSpec;
  cacheRoot: string;
  log: (line: string) => void;
}

export interface DataStage {
  data: TrainingData;
  train: Dataset;
  validation: Dataset;
  /** Attributes to compute vectors for. */
  attributes: string[];
}

/** The declaration's shapes work out and its code has `codeSize` values; errors name the config file. */
export function checkModel(config: TrainConfig, file: string): ModelSpec {
  const spec = config.model!;
  let latentDim: number;
  try {
    latentDim = inferShapes(spec).latentDim;
  } catch (error) {
    throw new ConfigError(`${file}: model: ${(error as Error).message}`);
  }
  if (latentDim !== config.codeSize) {
    throw new ConfigError(`${file}: codeSize is ${config.codeSize} but the model's code has ${latentDim} values (name the code layer "code" or fix codeSize)`);
  }
  return spec;
}

/** Checks what the config alone can tell (model shapes, device) before any data is loaded. */
export function checkConfig(config: TrainConfig, file: string): ModelSpec | undefined {
  const spec = config.model ? checkModel(config, file) : undefined;
  const problem = config.engine === 'ort' ? deviceProblem(config.device) : undefined;
  if (problem) throw new ConfigError(`${file}: device: ${problem}`);
  return spec;
}

export function selectAttributes(config: TrainConfig, dataset: Dataset, file: string): string[] {
  const available = Object.keys(dataset.attributes);
  const wanted = config.attributes === 'all' ? available : config.attributes;
  const check = (names: string[] | undefined, field: string) => {
    const unknown = (names ?? []).filter((n) => !available.includes(n));
    if (unknown.length) throw new ConfigError(`${file}: ${field}: unknown attribute(s) ${unknown.join(', ')}; the data has ${available.join(', ') || 'none'}`);
  };
  check(wanted, 'attributes');
  check(config.judge?.attributes, 'judge.attributes');
  check(config.edits.attributes, 'edits.attributes');
  check(config.report.editGrids, 'report.editGrids');
  return wanted;
}

/** Stage 1: loads and splits the data, and checks the config's attribute names and batch size against it. */
export async function dataStage(ctx: RunContext): Promise<DataStage> {
  const { config, file } = ctx;
  const data = await loadTrainingData(config, join(ctx.cacheRoot, '.cache', 'datasets'), undefined, ctx.log);
  const { train, validation } = data.split;
  const attributes = selectAttributes(config, data.dataset, file);
  ctx.log(`data: ${data.name}, ${train.count} training and ${validation.count} validation images of [${train.shape.join(', ')}]`);
  if (config.training && config.training.batchSize > train.count) {
    throw new ConfigError(`${file}: training.batchSize ${config.training.batchSize} exceeds the ${train.count} training images`);
  }
  return { data, train, validation, attributes };
}

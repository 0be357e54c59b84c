import { resolve } from 'node:path';
import type { Manifest } from '#core/manifest.ts';
import type { Report } from '../report/report.ts';
import type { CliArgs } from './args.ts';
import { loadConfig } from './config.ts';
import { estimateRunWork, RunProgress } from './progress.ts';
import { attributesStage } from './stage-attributes.ts';
import { checkConfig, dataStage, type RunContext } from './stage-data.ts';
import { evaluateStage } from './stage-evaluate.ts';
import { exportStage } from './stage-export.ts';
import { fitStage } from './stage-fit.ts';
import { judgeStage } from './stage-judge.ts';
import { reportStage } from './stage-report.ts';
import { writeStage } from './stage-write.ts';

export { checkModel } from './stage-data.ts';
export { trainingHash } from './stage-fit.ts';

export interface RunIo {
  log: (line: string) => void;
  interrupted: () => boolean;
  progress: boolean;
  /** Root for .cache (datasets, runs); default: the working directory. */
  cacheRoot?: string;
}

export interface RunResult {
  /** Undefined when --stop-after ended the session before training finished. */
  manifest?: Manifest;
  outDir: string;
  runDir?: string;
  report?: Report;
}

/**
 * Trains (or fits), evaluates and writes one model folder, as the config describes, in eight named stages:
 * data, fit, export, evaluate, attributes, judge, report, write (stage-*.ts beside this file).
 */
export async function runTraining(args: CliArgs, io: RunIo): Promise<RunResult> {
  const file = args.config;
  const config = loadConfig(file, args.overrides);
  const outDir = resolve(config.output);
  // Fail before the data is loaded, not after: shapes and device are known from the config alone.
  let progress: RunProgress | undefined;
  const log = (line: string) => (progress ? progress.log(line, io.log) : io.log(line));
  const ctx: RunContext = { config, file, spec: checkConfig(config, file), cacheRoot: resolve(io.cacheRoot ?? '.'), log };
  io.log(`${config.id}: ${config.title}`);

  const data = await dataStage(ctx);
  const startProgress = (trainingImagesLeft: number) =>
    (progress = new RunProgress(estimateRunWork(config, data.train.count, data.validation.count, trainingImagesLeft), config.training?.epochs ?? 0));
  const fit = await fitStage(ctx, data, { fresh: args.fresh, stopAfterSteps: args.stopAfterSteps, interrupted: io.interrupted, progress: io.progress ? startProgress : undefined });
  if (fit.outcome && !fit.outcome.finished) return { outDir, runDir: fit.runDir };
  try {
    const exported = exportStage(ctx, fit);
    log('evaluating');
    progress?.stage('evaluate');
    const evaluated = await evaluateStage(ctx, data, fit, exported);
    try {
      progress?.stage('attributes');
      const attributes = await attributesStage(ctx, data, evaluated);
      progress?.stage('judge');
      const judged = await judgeStage(ctx, data, fit, evaluated, attributes);
      progress?.stage('report');
      const reported = await reportStage(ctx, data, fit, exported, evaluated, attributes, judged);
      const manifest = writeStage(ctx, outDir, data, exported, attributes, judged, reported);
      progress?.stop(true);
      return { manifest, outDir, runDir: fit.runDir, report: reported.report };
    } finally {
      await evaluated.codec.close();
      await evaluated.pcaCodec.close();
    }
  } finally {
    progress?.stop();
  }
}

import { createHash } from 'node:crypto';
import { join, resolve } from 'node:path';
import type { AttributesFile, Manifest } from '#core/manifest.ts';
import { writeModelDir, type ManifestDraft } from '../model-folder/write.ts';
import { imageSize, type Dataset } from '../data/dataset.ts';
import { deviceProblem } from '../engine/ort-session.ts';
import { buildDecoderGraph, buildEncoderGraph } from '../graphs/inference.ts';
import { predictWithGraph } from '../judge/classifier.ts';
import { calibrationImages, checkEdit } from '../judge/edits.ts';
import { trainJudge, type TrainedJudge } from '../judge/judge.ts';
import { runPretrainingExperiment } from '../experiments/pretraining.ts';
import { attributeVectors, type AttributeMethod } from '../latent/attribute-vectors.ts';
import { buildAtlas } from '../latent/map.ts';
import { codeStatistics } from '../latent/statistics.ts';
import { inferShapes } from '../model/shapes.ts';
import type { ModelSpec } from '../model/spec.ts';
import { pcaDecoderOnnx, pcaEncoderOnnx } from '../pca/export.ts';
import { cachedFitPca } from '../pca/cache.ts';
import { reconstructionMetrics } from '../pca/metrics.ts';
import { OnnxCodec } from '../report/codec.ts';
import { buildFigures } from '../report/figures.ts';
import { renderReportHtml } from '../report/html.ts';
import type { AttributeEditResult, Report } from '../report/report.ts';
import type { CliArgs } from './args.ts';
import { ConfigError, loadConfig, type TrainConfig } from './config.ts';
import { loadTrainingData } from './data.ts';
import { runTrainingLoop, type TrainingOutcome } from './train-loop.ts';

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

/** Covariances of larger codes would make manifest.json tens of megabytes; those ship the diagonal (std) only. */
const MAX_COVARIANCE_DIM = 256;

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

function selectAttributes(config: TrainConfig, dataset: Dataset, file: string): string[] {
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

const pickAttributes = (dataset: Dataset, names: string[]) => Object.fromEntries(names.map((n) => [n, dataset.attributes[n]]));

const round = (v: number, digits = 6) => Number(v.toPrecision(digits));

const describeVector = (name: string, method: AttributeMethod) =>
  method === 'partial-effect'
    ? `partial effect of ${name} on the code, every other attribute held fixed (ridge regression over the training split)`
    : `mean(code | ${name}) − mean(code | not ${name}) over the training split`;

/** Trains (or fits), evaluates and writes one model folder, as the config describes. */
export async function runTraining(args: CliArgs, io: RunIo): Promise<RunResult> {
  const file = args.config;
  const config = loadConfig(file, args.overrides);
  const cacheRoot = resolve(io.cacheRoot ?? '.');
  const outDir = resolve(config.output);
  const spec = config.model ? checkModel(config, file) : undefined;
  // Fail before the data is loaded, not after: the device is known from the config alone.
  const problem = config.engine === 'ort' ? deviceProblem(config.device) : undefined;
  if (problem) throw new ConfigError(`${file}: device: ${problem}`);
  io.log(`${config.id}: ${config.title}`);

  const data = await loadTrainingData(config, join(cacheRoot, '.cache', 'datasets'), undefined, io.log);
  const { train, validation } = data.split;
  const attributes = selectAttributes(config, data.dataset, file);
  io.log(`data: ${data.name}, ${train.count} training and ${validation.count} validation images of [${train.shape.join(', ')}]`);
  if (config.training && config.training.batchSize > train.count) {
    throw new ConfigError(`${file}: training.batchSize ${config.training.batchSize} exceeds the ${train.count} training images`);
  }

  // PCA has at most one direction per pixel, and per training image but one. A code wider than that (the
  // overcomplete sparse, redundant and denoising models) faces a PCA that keeps every direction the training
  // images span: the baseline is reported, but no ratio is drawn from a comparison at unequal code sizes.
  const pcaDim = Math.min(config.codeSize, imageSize(train.shape), train.count - 1);
  const pcaLimit = pcaDim === config.codeSize ? undefined : pcaDim === imageSize(train.shape) ? 'pixels' : 'training images − 1';
  if (pcaLimit && !spec) throw new ConfigError(`${file}: codeSize ${config.codeSize} exceeds what PCA can fit here (${pcaDim}, the number of ${pcaLimit})`);
  const pca = await cachedFitPca(join(cacheRoot, '.cache', 'pca'), train.images, train.count, train.shape, pcaDim, { seed: config.data.splitSeed });
  const pcaFiles = { encoder: pcaEncoderOnnx(pca), decoder: pcaDecoderOnnx(pca) };

  let outcome: TrainingOutcome | undefined;
  let runDir: string | undefined;
  let files = pcaFiles;
  let float32Files = pcaFiles;
  let parameters = pca.dim * (pca.mean.length + 1);
  if (spec) {
    const hash = trainingHash(config, validation.ids);
    runDir = resolve(config.runDir ?? join(cacheRoot, '.cache', 'runs', `${config.id}-${hash}`));
    outcome = await runTrainingLoop({
      config,
      spec,
      train,
      validation,
      runDir,
      configHash: hash,
      fresh: args.fresh,
      stopAfterSteps: args.stopAfterSteps,
      interrupted: io.interrupted,
      progress: io.progress,
      log: io.log,
    });
    if (!outcome.finished) return { outDir, runDir };
    const params = outcome.params;
    parameters = [...params.values()].reduce((sum, p) => sum + p.length, 0);
    float32Files = { encoder: buildEncoderGraph(spec, params), decoder: buildDecoderGraph(spec, params) };
    files = config.float16 ? { encoder: buildEncoderGraph(spec, params, { float16: true }), decoder: buildDecoderGraph(spec, params, { float16: true }) } : float32Files;
    io.log(`trained ${outcome.steps} steps in ${outcome.seconds.toFixed(1)} s`);
  }

  io.log('evaluating');
  const shape = train.shape as [number, number, number];
  const codec = await OnnxCodec.open(files.encoder, files.decoder, shape, config.codeSize, config.device);
  const float32Codec = files === float32Files ? codec : await OnnxCodec.open(float32Files.encoder, float32Files.decoder, shape, config.codeSize, config.device);
  const pcaCodec = await OnnxCodec.open(pcaFiles.encoder, pcaFiles.decoder, shape, pcaDim, config.device);
  try {
    const exported = reconstructionMetrics(validation.images, await codec.reconstruct(validation.images, validation.count), validation.count);
    const model = float32Codec === codec ? exported : reconstructionMetrics(validation.images, await float32Codec.reconstruct(validation.images, validation.count), validation.count);
    let float16: Report['validation']['float16'];
    if (spec && outcome && !config.float16) {
      const half = { encoder: buildEncoderGraph(spec, outcome.params, { float16: true }), decoder: buildDecoderGraph(spec, outcome.params, { float16: true }) };
      const halfCodec = await OnnxCodec.open(half.encoder, half.decoder, shape, config.codeSize, config.device);
      const m = reconstructionMetrics(validation.images, await halfCodec.reconstruct(validation.images, validation.count), validation.count);
      await halfCodec.close();
      float16 = { mse: m.mse, psnr: m.psnr, encoderBytes: half.encoder.byteLength, decoderBytes: half.decoder.byteLength };
    }
    const baseline = reconstructionMetrics(validation.images, await pcaCodec.reconstruct(validation.images, validation.count), validation.count);
    const ratio = pcaLimit ? null : model.mse / baseline.mse;
    io.log(`validation MSE ${model.mse.toPrecision(4)} (PSNR ${model.psnr.toFixed(2)} dB); PCA-${pcaDim} ${baseline.mse.toPrecision(4)}; ${pcaLimit ? `no ratio: PCA is limited to ${pcaDim} components (the number of ${pcaLimit}) < code size ${config.codeSize}` : `ratio ${ratio!.toFixed(3)}`}`);

    const trainCodes = await codec.encode(train.images, train.count);
    const stats = codeStatistics(trainCodes, train.count, config.codeSize);
    // Every flag of the dataset is held fixed by partial effects, also those without a vector of their own.
    const { vectors, skipped } = attributeVectors(trainCodes, train.count, config.codeSize, pickAttributes(train, attributes), { ...config.attributeVectors, controls: train.attributes });
    for (const [name, why] of Object.entries(skipped)) io.log(`attribute ${name} skipped: ${why}`);

    let judge: TrainedJudge | undefined;
    const editResults: Record<string, AttributeEditResult> = {};
    const keepResults: Record<string, AttributeEditResult> = {};
    if (config.judge) {
      const judgeAttributes = config.judge.attributes ?? attributes;
      io.log(`training the judge on ${judgeAttributes.length} attributes`);
      judge = await trainJudge(train, validation, judgeAttributes, { epochs: config.judge.epochs, batch: config.judge.batchSize, lr: config.judge.lr, seed: config.training?.seed ?? 1, device: config.device });
      const judgeBytes = judge.bytes;
      const judgeFn = (images: Float32Array, count: number) => predictWithGraph(judgeBytes, images, count, shape, config.device);
      const calibration = calibrationImages(train, validation.count);
      for (const attribute of (config.edits.attributes ?? judgeAttributes).filter((a) => vectors[a])) {
        const r = await checkEdit({ codec, judge: judgeFn, judgeAttributes }, calibration, validation, attribute, Float32Array.from(vectors[attribute].vector), config.edits);
        vectors[attribute].suggestedRange = [-r.strength, r.strength];
        editResults[attribute] = r;
        if (data.input.face) {
          const kept = await checkEdit({ codec, judge: judgeFn, judgeAttributes }, calibration, validation, attribute, Float32Array.from(vectors[attribute].vector), { ...config.edits, detail: 'keep' });
          vectors[attribute].keep = { suggestedRange: [-kept.strength, kept.strength] };
          keepResults[attribute] = kept;
          io.log(`edit ${attribute} with detail kept: strength ${kept.strength}, flips ${(100 * kept.flipRate).toFixed(1)}%, other decisions changed ${(100 * kept.otherChangeRate).toFixed(1)}%`);
        }
        const missed = [r.flipRate < config.edits.targetFlip && 'flips', r.otherChangeRate > config.edits.maxOtherChange && 'side effects'].filter(Boolean);
        io.log(
          `edit ${attribute}: strength ${r.strength}, flips ${(100 * r.flipRate).toFixed(1)}% of ${r.judgedNegatives}, other decisions changed ${(100 * r.otherChangeRate).toFixed(1)}%` +
            ` (most: ${r.worstOtherAttribute} ${(100 * r.worstOtherChangeRate).toFixed(1)}%; images with any: ${(100 * r.anyOtherChangeRate).toFixed(1)}%)` +
            (missed.length ? ` (target missed: ${missed.join(', ')})` : ''),
        );
      }
    }

    const pretraining = config.pretraining && spec && outcome
      ? await runPretrainingExperiment(spec, outcome.params, train, validation, { ...config.pretraining, seed: config.training?.seed ?? 1, device: config.device })
      : undefined;
    for (const row of pretraining?.rows ?? []) {
      io.log(
        `pretraining, ${(100 * row.labelFraction).toFixed(0)}% labels: scratch ${(100 * row.scratchAccuracy).toFixed(1)}%, ` +
          `fine-tuned encoder ${(100 * row.pretrainedAccuracy).toFixed(1)}%, frozen encoder ${(100 * row.frozenAccuracy).toFixed(1)}%`,
      );
    }

    const covariance = config.codeSize <= MAX_COVARIANCE_DIM ? Array.from(stats.covariance, (v) => round(v)) : undefined;
    const latent = { dim: config.codeSize, mean: Array.from(stats.mean, (v) => round(v)), std: Array.from(stats.std, (v) => round(v)), ...(covariance ? { covariance } : {}) };
    const gridAttributes = config.report.editGrids ?? Object.keys(editResults);
    const pictures = await buildFigures({
      codec,
      pca: pcaCodec,
      validation,
      stats: latent,
      edits: gridAttributes.filter((a) => vectors[a]).map((a) => ({ attribute: a, vector: Float32Array.from(vectors[a].vector), strength: vectors[a].suggestedRange[1] })),
      images: config.report.images,
      editImages: config.report.editImages,
      scale: config.report.scale,
      seed: config.training?.seed ?? 1,
    });

    // The atlas shows decoded codes, not the training photos, so no dataset image is copied into the model folder.
    const atlas = await buildAtlas(trainCodes, config.codeSize, (c, n) => codec.decode(c, n), shape, train.ids, { labels: train.labels, seed: config.training?.seed ?? 1 });

    const attributesFile: AttributesFile = {
      attributes: Object.fromEntries(
        Object.entries(vectors).map(([name, v]) => [
          name,
          {
            vector: v.vector.map((x) => round(x)),
            positives: v.positives,
            negatives: v.negatives,
            suggestedRange: [round(v.suggestedRange[0], 4), round(v.suggestedRange[1], 4)],
            ...(v.keep ? { keep: { suggestedRange: [round(v.keep.suggestedRange[0], 4), round(v.keep.suggestedRange[1], 4)] } } : {}),
            description: describeVector(name, v.method) + (editResults[name] ? '; suggested strength from the judge on training images' : ''),
            method: v.method,
            ...(v.method === 'mean-difference' ? {} : { meanDifference: v.meanDifference.map((x) => round(x)) }),
          },
        ]),
      ),
    };

    const kind = config.pca ? 'pca' : spec?.vae ? 'vae' : 'autoencoder';
    const report: Report = {
      id: config.id,
      title: config.title,
      kind,
      config: file,
      engine: spec ? config.engine : 'closed-form',
      device: config.device,
      data: { name: data.name, trainImages: train.count, validationImages: validation.count, shape },
      codeSize: config.codeSize,
      parameters,
      training: outcome && config.training
        ? {
            epochs: outcome.curve.length,
            plannedEpochs: config.training.epochs,
            steps: outcome.steps,
            batchSize: config.training.batchSize,
            seconds: round(outcome.seconds, 4),
            imagesPerSecond: round((outcome.steps * config.training.batchSize) / Math.max(outcome.seconds, 1e-9), 4),
            resumedFromStep: outcome.resumedFromStep,
            curve: outcome.curve,
          }
        : undefined,
      validation: {
        model: { mse: model.mse, psnr: model.psnr },
        pca: { mse: baseline.mse, psnr: baseline.psnr, dim: pcaDim, ...(pcaLimit && { limitedBy: pcaLimit }) },
        mseRatioToPca: ratio,
        exported: { mse: exported.mse, psnr: exported.psnr, float16: config.float16 },
        float16,
      },
      attributes: editResults,
      ...(Object.keys(keepResults).length ? { attributesKeep: keepResults } : {}),
      judge: judge?.figures,
      pretraining,
      files: {},
    };

    const notice = data.dataset.name.toLowerCase().includes('celeba') || config.card.data.name.includes('CelebA')
      ? 'Face pictures here are CelebA validation images and images decoded from them, shown under CelebA\'s non-commercial research terms.'
      : undefined;
    const fileSizes = (extra: Record<string, Uint8Array | string>) => ({
      'encoder.onnx': files.encoder.byteLength,
      'decoder.onnx': files.decoder.byteLength,
      ...Object.fromEntries(Object.entries(extra).map(([name, bytes]) => [name, typeof bytes === 'string' ? Buffer.byteLength(bytes) : bytes.byteLength])),
    });
    const extra: Record<string, { path: string; bytes: Uint8Array | string }> = {
      atlas: { path: 'atlas.png', bytes: atlas.png },
      atlasIndex: { path: 'atlas.json', bytes: JSON.stringify(atlas.index) },
    };
    if (judge) extra.judge = { path: 'judge.onnx', bytes: judge.bytes };
    report.files = fileSizes(Object.fromEntries(Object.values(extra).map((f) => [f.path, f.bytes])));
    const html = renderReportHtml(report, pictures, notice);
    const reportJson = `${JSON.stringify(report, null, 2)}\n`;
    extra.report = { path: 'report.json', bytes: reportJson };
    extra.reportHtml = { path: 'report.html', bytes: html };
    const limit = config.maxFileMB * 1024 * 1024;
    for (const [name, size] of Object.entries(fileSizes({ 'report.json': reportJson, 'report.html': html }))) {
      if (size > limit) io.log(`warning: ${name} is ${(size / 1024 / 1024).toFixed(2)} MB, above maxFileMB ${config.maxFileMB}`);
    }

    const metrics: Record<string, number | string | boolean | Record<string, number | null>> = {
      validationMse: round(model.mse),
      validationPsnr: round(model.psnr),
      pcaValidationMse: round(baseline.mse),
      pcaValidationPsnr: round(baseline.psnr),
      exportedValidationMse: round(exported.mse),
      float16: config.float16,
      trainImages: train.count,
      validationImages: validation.count,
    };
    if (ratio !== null) metrics.mseRatioToPca = round(ratio);
    if (report.training) metrics.trainingSeconds = report.training.seconds;
    if (judge) metrics.judgeAttributes = judge.attributes.join(',');
    if (Object.keys(editResults).length) {
      metrics.editFlipRate = Object.fromEntries(Object.entries(editResults).map(([a, r]) => [a, Number.isFinite(r.flipRate) ? round(r.flipRate, 4) : null]));
      metrics.editOtherChangeRate = Object.fromEntries(Object.entries(editResults).map(([a, r]) => [a, Number.isFinite(r.otherChangeRate) ? round(r.otherChangeRate, 4) : null]));
      metrics.editWorstOtherChangeRate = Object.fromEntries(Object.entries(editResults).map(([a, r]) => [a, Number.isFinite(r.worstOtherChangeRate) ? round(r.worstOtherChangeRate, 4) : null]));
    }
    const draft: ManifestDraft = {
      schemaVersion: 1,
      id: config.id,
      title: config.title,
      version: config.version,
      kind,
      card: config.card,
      input: data.input,
      latent,
      metrics,
    };
    const manifest = writeModelDir(outDir, draft, { encoder: files.encoder, decoder: files.decoder, attributes: attributesFile, extra });
    io.log(`wrote ${outDir}`);
    return { manifest, outDir, runDir, report };
  } finally {
    await codec.close();
    if (float32Codec !== codec) await float32Codec.close();
    await pcaCodec.close();
  }
}

import * as ort from 'onnxruntime-node';
import type { Manifest, ManifestInput } from '#core/manifest.ts';
import { writeModelDir } from '../model-folder/write.ts';
import type { DatasetSplit } from '../data/split.ts';
import { codeSpaceFiles } from '../latent/code-space.ts';
import type { AtlasOptions } from '../latent/map.ts';
import { pcaDecoderOnnx, pcaEncoderOnnx } from './export.ts';
import { fitPca, pcaDecode, type PcaOptions } from './fit.ts';
import { reconstructionMetrics, runAutoencoderOnnx, type ReconstructionMetrics } from './metrics.ts';

export interface PcaModelOptions {
  id: string;
  title: string;
  card: Manifest['card'];
  input: ManifestInput;
  split: DatasetSplit;
  dim: number;
  outDir: string;
  pca?: PcaOptions;
  atlas?: AtlasOptions;
  /** Recorded in report.json so the run can be repeated. */
  provenance?: Record<string, string | number | boolean>;
}

export interface PcaModelResult {
  manifest: Manifest;
  validation: ReconstructionMetrics;
  explainedVariance: number;
  seconds: { fit: number; fitCpu: number; export: number; evaluate: number; latent: number; write: number };
}

const since = (start: number) => (performance.now() - start) / 1000;

/**
 * Fits PCA on the training split and writes a complete model folder: Gemm encoder/decoder, code statistics,
 * attribute vectors, latent map, report. Validation figures come from running the exported graphs.
 */
export async function buildPcaModel(options: PcaModelOptions): Promise<PcaModelResult> {
  const { train, validation } = options.split;
  const { input } = options;
  if (train.shape[0] !== input.channels || train.shape[1] !== input.height || train.shape[2] !== input.width) {
    throw new Error(`${options.id}: images are [${train.shape}], the manifest input says [${input.channels},${input.height},${input.width}]`);
  }
  let start = performance.now();
  const cpuStart = process.cpuUsage();
  const model = await fitPca(ort, train.images, train.count, train.shape, options.dim, options.pca);
  const fitSeconds = since(start);
  // CPU time next to wall time: on a shared machine the wall clock mostly measures the other jobs.
  const cpu = process.cpuUsage(cpuStart);
  const fitCpuSeconds = (cpu.user + cpu.system) / 1e6;

  start = performance.now();
  const encoder = pcaEncoderOnnx(model);
  const decoder = pcaDecoderOnnx(model);
  const exportSeconds = since(start);

  start = performance.now();
  const held = await runAutoencoderOnnx(encoder, decoder, validation.images, validation.count, validation.shape);
  const metrics = reconstructionMetrics(validation.images, held.reconstructions, validation.count);
  const trainRun = await runAutoencoderOnnx(encoder, decoder, train.images, train.count, train.shape);
  const trainMetrics = reconstructionMetrics(train.images, trainRun.reconstructions, train.count);
  const evaluateSeconds = since(start);

  start = performance.now();
  const latent = await codeSpaceFiles(trainRun.codes, model.dim, train, async (c, n) => pcaDecode(model, c, n), options.atlas);
  const latentSeconds = since(start);

  const explainedVariance = model.variances.reduce((a, b) => a + b, 0) / model.totalVariance;
  const report = {
    id: options.id,
    kind: 'pca',
    codeSize: model.dim,
    method: model.method,
    images: { train: train.count, validation: validation.count, shape: train.shape },
    validation: metrics,
    train: trainMetrics,
    explainedVariance,
    componentVariances: Array.from(model.variances),
    attributes: latent.attributeReport,
    seconds: { fit: fitSeconds, fitCpu: fitCpuSeconds, export: exportSeconds, evaluate: evaluateSeconds, latent: latentSeconds },
    provenance: options.provenance ?? {},
  };
  start = performance.now();
  const manifest = writeModelDir(
    options.outDir,
    {
      schemaVersion: 1,
      id: options.id,
      title: options.title,
      version: '1.0.0',
      kind: 'pca',
      card: options.card,
      input,
      latent: latent.latent,
      metrics: {
        validationMse: metrics.mse,
        validationPsnr: Number.isFinite(metrics.psnr) ? metrics.psnr : null,
        trainMse: trainMetrics.mse,
        explainedVariance,
        codeSize: model.dim,
        trainImages: train.count,
        validationImages: validation.count,
      },
    },
    {
      encoder,
      decoder,
      attributes: latent.attributes,
      extra: {
        atlas: { path: 'atlas.png', bytes: latent.atlas.png },
        atlasIndex: { path: 'atlas.json', bytes: JSON.stringify(latent.atlas.index) },
        report: { path: 'report.json', bytes: `${JSON.stringify(report, null, 2)}\n` },
      },
    },
  );
  const writeSeconds = since(start);
  return {
    manifest,
    validation: metrics,
    explainedVariance,
    seconds: { fit: fitSeconds, fitCpu: fitCpuSeconds, export: exportSeconds, evaluate: evaluateSeconds, latent: latentSeconds, write: writeSeconds },
  };
}

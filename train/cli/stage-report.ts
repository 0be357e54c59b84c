import type { AttributesFile } from '#core/manifest.ts';
import type { AttributeMethod } from '../latent/attribute-vectors.ts';
import { buildAtlas } from '../latent/map.ts';
import { buildFigures } from '../report/figures.ts';
import { renderReportHtml } from '../report/html.ts';
import type { Report } from '../report/report.ts';
import { round, type AttributesStage } from './stage-attributes.ts';
import type { DataStage, RunContext } from './stage-data.ts';
import type { EvaluateStage } from './stage-evaluate.ts';
import type { ExportStage } from './stage-export.ts';
import type { FitStage } from './stage-fit.ts';
import type { JudgeStage } from './stage-judge.ts';

export interface ReportStage {
  report: Report;
  html: string;
  attributesFile: AttributesFile;
  /** Files beside encoder.onnx and decoder.onnx, by manifest key. */
  extra: Record<string, { path: string; bytes: Uint8Array | string }>;
}

export const byteLength = (bytes: Uint8Array | string) => (typeof bytes === 'string' ? Buffer.byteLength(bytes) : bytes.byteLength);

const describeVector = (name: string, method: AttributeMethod) =>
  method === 'partial-effect'
    ? `partial effect of ${name} on the code, every other attribute held fixed (ridge regression over the training split)`
    : `mean(code | ${name}) − mean(code | not ${name}) over the training split`;

function attributesFileOf({ vectors }: AttributesStage, { editResults }: JudgeStage): AttributesFile {
  const range = (r: [number, number]): [number, number] => [round(r[0], 4), round(r[1], 4)];
  return {
    attributes: Object.fromEntries(
      Object.entries(vectors).map(([name, v]) => [
        name,
        {
          vector: v.vector.map((x) => round(x)),
          positives: v.positives,
          negatives: v.negatives,
          suggestedRange: range(v.suggestedRange),
          ...(v.keep ? { keep: { suggestedRange: range(v.keep.suggestedRange) } } : {}),
          description: describeVector(name, v.method) + (editResults[name] ? '; suggested strength from the judge on training images' : ''),
          method: v.method,
          ...(v.method === 'mean-difference' ? {} : { meanDifference: v.meanDifference.map((x) => round(x)) }),
        },
      ]),
    ),
  };
}

export function reportOf(ctx: RunContext, { data, train, validation }: DataStage, fit: FitStage, exported: ExportStage, evaluated: EvaluateStage, judged: JudgeStage): Report {
  const { config, spec } = ctx;
  const { outcome } = fit;
  return {
    id: config.id,
    title: config.title,
    kind: config.pca ? 'pca' : spec?.vae ? 'vae' : 'autoencoder',
    config: ctx.file,
    engine: spec ? config.engine : 'closed-form',
    device: config.device,
    data: { name: data.name, trainImages: train.count, validationImages: validation.count, shape: train.shape as [number, number, number] },
    codeSize: config.codeSize,
    parameters: exported.parameters,
    training:
      outcome && config.training
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
      model: { mse: evaluated.model.mse, psnr: evaluated.model.psnr },
      pca: { mse: evaluated.baseline.mse, psnr: evaluated.baseline.psnr, dim: fit.pcaDim, ...(fit.pcaLimit && { limitedBy: fit.pcaLimit }) },
      mseRatioToPca: evaluated.ratio,
      exported: { mse: evaluated.exported.mse, psnr: evaluated.exported.psnr, float16: config.weights === 'float16', weights: config.weights },
      float16: evaluated.float16,
    },
    attributes: judged.editResults,
    ...(Object.keys(judged.keepResults).length ? { attributesKeep: judged.keepResults } : {}),
    judge: judged.judge?.figures,
    pretraining: judged.pretraining,
    files: {},
  };
}

/** Stage 7: report.json's content, the pictures and report.html, the latent-map atlas and attributes.json. */
export async function reportStage(ctx: RunContext, dataStage: DataStage, fit: FitStage, exported: ExportStage, evaluated: EvaluateStage, attributes: AttributesStage, judged: JudgeStage): Promise<ReportStage> {
  const { config } = ctx;
  const { train, validation } = dataStage;
  const { vectors, latent, trainCodes } = attributes;
  const shape = train.shape as [number, number, number];
  const gridAttributes = config.report.editGrids ?? Object.keys(judged.editResults);
  const pictures = await buildFigures({
    codec: evaluated.codec,
    pca: evaluated.pcaCodec,
    validation,
    stats: latent,
    edits: gridAttributes.filter((a) => vectors[a]).map((a) => ({ attribute: a, vector: Float32Array.from(vectors[a].vector), strength: vectors[a].suggestedRange[1] })),
    images: config.report.images,
    editImages: config.report.editImages,
    scale: config.report.scale,
    seed: config.training?.seed ?? 1,
  });
  // The atlas shows decoded codes, not the training photos, so no dataset image is copied into the model folder.
  const atlas = await buildAtlas(trainCodes, config.codeSize, (c, n) => evaluated.codec.decode(c, n), shape, train.ids, { labels: train.labels, seed: config.training?.seed ?? 1 });
  const report = reportOf(ctx, dataStage, fit, exported, evaluated, judged);
  const extra: ReportStage['extra'] = { atlas: { path: 'atlas.png', bytes: atlas.png }, atlasIndex: { path: 'atlas.json', bytes: JSON.stringify(atlas.index) } };
  if (judged.judge) extra.judge = { path: 'judge.onnx', bytes: judged.judge.bytes };
  report.files = {
    'encoder.onnx': exported.files.encoder.byteLength,
    'decoder.onnx': exported.files.decoder.byteLength,
    ...Object.fromEntries(Object.values(extra).map((f) => [f.path, byteLength(f.bytes)])),
  };
  const celeba = dataStage.data.dataset.name.toLowerCase().includes('celeba') || config.card.data.name.includes('CelebA');
  const notice = celeba ? "Face pictures here are CelebA validation images and images decoded from them, shown under CelebA's non-commercial research terms." : undefined;
  return { report, html: renderReportHtml(report, pictures, notice), attributesFile: attributesFileOf(attributes, judged), extra };
}

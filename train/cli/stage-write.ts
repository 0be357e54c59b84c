import type { Manifest } from '#core/manifest.ts';
import { writeModelDir, type ManifestDraft } from '../model-folder/write.ts';
import type { AttributeEditResult, Report } from '../report/report.ts';
import { round, type AttributesStage } from './stage-attributes.ts';
import type { DataStage, RunContext } from './stage-data.ts';
import type { ExportStage } from './stage-export.ts';
import type { WeightStorage } from '../graphs/inference.ts';
import type { JudgeStage } from './stage-judge.ts';
import { byteLength, type ReportStage } from './stage-report.ts';

type Metrics = ManifestDraft['metrics'];

const rates = (results: Record<string, AttributeEditResult>, pick: (r: AttributeEditResult) => number) =>
  Object.fromEntries(Object.entries(results).map(([a, r]) => [a, Number.isFinite(pick(r)) ? round(pick(r), 4) : null]));

/** The manifest's headline figures, from the report. */
export function manifestMetrics(report: Report, { train, validation }: DataStage, { judge, editResults }: JudgeStage, weights: WeightStorage): Metrics {
  const v = report.validation;
  const metrics: Metrics = {
    validationMse: round(v.model.mse),
    validationPsnr: round(v.model.psnr),
    pcaValidationMse: round(v.pca.mse),
    pcaValidationPsnr: round(v.pca.psnr),
    exportedValidationMse: round(v.exported.mse),
    float16: weights === 'float16',
    weights,
    trainImages: train.count,
    validationImages: validation.count,
  };
  if (v.mseRatioToPca !== null) metrics.mseRatioToPca = round(v.mseRatioToPca);
  if (report.training) metrics.trainingSeconds = report.training.seconds;
  if (judge) metrics.judgeAttributes = judge.attributes.join(',');
  if (Object.keys(editResults).length) {
    metrics.editFlipRate = rates(editResults, (r) => r.flipRate);
    metrics.editOtherChangeRate = rates(editResults, (r) => r.otherChangeRate);
    metrics.editWorstOtherChangeRate = rates(editResults, (r) => r.worstOtherChangeRate);
  }
  return metrics;
}

/** Stage 8: manifest.json, the ONNX files, attributes.json and the report, written into the model folder at once. */
export function writeStage({ config, log }: RunContext, outDir: string, dataStage: DataStage, exported: ExportStage, { latent }: AttributesStage, judged: JudgeStage, written: ReportStage): Manifest {
  const { report, html, attributesFile } = written;
  const reportJson = `${JSON.stringify(report, null, 2)}\n`;
  const extra = { ...written.extra, report: { path: 'report.json', bytes: reportJson }, reportHtml: { path: 'report.html', bytes: html } };
  const limit = config.maxFileMB * 1024 * 1024;
  const sizes: Record<string, number> = { ...report.files, 'report.json': byteLength(reportJson), 'report.html': byteLength(html) };
  for (const [name, size] of Object.entries(sizes)) {
    if (size > limit) log(`warning: ${name} is ${(size / 1024 / 1024).toFixed(2)} MB, above maxFileMB ${config.maxFileMB}`);
  }
  const draft: ManifestDraft = {
    schemaVersion: 1,
    id: config.id,
    title: config.title,
    version: config.version,
    kind: report.kind,
    card: config.card,
    input: dataStage.data.input,
    latent,
    metrics: manifestMetrics(report, dataStage, judged, config.weights),
  };
  const manifest = writeModelDir(outDir, draft, { encoder: exported.files.encoder, decoder: exported.files.decoder, attributes: attributesFile, extra });
  log(`wrote ${outDir}`);
  return manifest;
}

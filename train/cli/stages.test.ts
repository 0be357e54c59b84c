import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseManifest } from '#core/manifest.ts';
import { ConfigError, loadConfig } from './config.ts';
import { attributesStage, type AttributesStage } from './stage-attributes.ts';
import { checkConfig, dataStage, selectAttributes, type DataStage, type RunContext } from './stage-data.ts';
import { evaluateStage, type EvaluateStage } from './stage-evaluate.ts';
import { exportStage, type ExportStage } from './stage-export.ts';
import { fitStage, type FitStage } from './stage-fit.ts';
import { judgeStage, type JudgeStage } from './stage-judge.ts';
import { reportStage, type ReportStage } from './stage-report.ts';
import { manifestMetrics, writeStage } from './stage-write.ts';

const TINY = join(import.meta.dirname, 'fixtures', 'tiny-digits.json');
const work = mkdtempSync(join(tmpdir(), 'latentlab-stages-'));
const lines: string[] = [];
const config = loadConfig(TINY, { 'pretraining.labelFractions': [0.5], runDir: join(work, 'run') });
const ctx: RunContext = { config, file: TINY, spec: checkConfig(config, TINY), cacheRoot: work, log: (line) => lines.push(line) };
let data: DataStage, fit: FitStage, exported: ExportStage, evaluated: EvaluateStage, attributes: AttributesStage, judged: JudgeStage, reported: ReportStage;
afterAll(async () => {
  await evaluated?.codec.close();
  await evaluated?.pcaCodec.close();
  rmSync(work, { recursive: true, force: true });
});

// Each stage is checked on its own output; later stages take the earlier ones' results, as runTraining chains them.
describe('runTraining stages on the tiny config', () => {
  it('data: splits the data and names unknown attributes per field', async () => {
    data = await dataStage(ctx);
    expect(data.train.count + data.validation.count).toBe(160);
    expect(data.attributes).toEqual(['odd', 'digit_1', 'thickness']);
    expect(() => selectAttributes({ ...config, judge: { ...config.judge!, attributes: ['wings'] } }, data.data.dataset, TINY)).toThrow(ConfigError);
    expect(() => selectAttributes({ ...config, judge: { ...config.judge!, attributes: ['wings'] } }, data.data.dataset, TINY)).toThrow(/judge\.attributes: unknown attribute\(s\) wings/);
  });

  it('fit: fits the PCA baseline and trains every planned step', async () => {
    fit = await fitStage(ctx, data, { fresh: true, interrupted: () => false });
    expect(fit.pcaDim).toBe(8);
    expect(fit.outcome!.finished).toBe(true);
    expect(fit.outcome!.steps).toBe(2 * Math.floor(data.train.count / 16));
  });

  it('export: float32 files ship, a float16 copy is kept to report on', () => {
    exported = exportStage(ctx, fit);
    expect(exported.files).toBe(exported.float32);
    expect(exported.float16!.decoder.byteLength).toBeLessThan(exported.float32.decoder.byteLength);
    expect(exported.parameters).toBe([...fit.outcome!.params.values()].reduce((n, p) => n + p.length, 0));
  });

  it('evaluate: measures the model, its float16 copy and PCA on the validation split', async () => {
    evaluated = await evaluateStage(ctx, data, fit, exported);
    expect(evaluated.exported).toEqual(evaluated.model);
    expect(evaluated.ratio).toBeCloseTo(evaluated.model.mse / evaluated.baseline.mse, 12);
    expect(Math.abs(evaluated.float16!.mse - evaluated.model.mse) / evaluated.model.mse).toBeLessThan(0.05);
  });

  it('attributes: one vector per attribute and code statistics of the training codes', async () => {
    attributes = await attributesStage(ctx, data, evaluated);
    expect(attributes.trainCodes).toHaveLength(data.train.count * 8);
    expect(Object.keys(attributes.vectors).sort()).toEqual(['digit_1', 'odd', 'thickness']);
    expect(attributes.latent.covariance).toHaveLength(64);
  });

  it('judge: trains the judge, checks each edit (setting its strength) and runs the pretraining experiment', async () => {
    judged = await judgeStage(ctx, data, fit, evaluated, attributes);
    expect(judged.judge!.attributes).toEqual(['odd', 'digit_1', 'thickness']);
    for (const [name, result] of Object.entries(judged.editResults)) expect(attributes.vectors[name].suggestedRange).toEqual([-result.strength, result.strength]);
    expect(judged.pretraining!.rows.map((r) => r.labelFraction)).toEqual([0.5]);
  });

  it('report: sizes every file it lists and renders them into report.html', async () => {
    reported = await reportStage(ctx, data, fit, exported, evaluated, attributes, judged);
    expect(Object.keys(reported.report.files).sort()).toEqual(['atlas.json', 'atlas.png', 'decoder.onnx', 'encoder.onnx', 'judge.onnx']);
    expect(reported.report.files['encoder.onnx']).toBe(exported.files.encoder.byteLength);
    expect(reported.html).toContain('data:image/png;base64,');
    expect(reported.report.validation.mseRatioToPca).toBe(evaluated.ratio);
  });

  it('write: writes a model folder whose manifest carries the report figures', () => {
    const out = join(work, 'model');
    const manifest = writeStage(ctx, out, data, exported, attributes, judged, reported);
    expect(parseManifest(JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')))).toEqual(manifest);
    expect(manifest.metrics).toEqual(manifestMetrics(reported.report, data, judged, 'float32'));
    for (const name of ['report.json', 'report.html', 'atlas.png', 'judge.onnx']) expect(existsSync(join(out, name))).toBe(true);
    expect(lines.at(-1)).toBe(`wrote ${out}`);
  });
});

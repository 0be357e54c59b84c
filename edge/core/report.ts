import { z } from 'zod';
import { ContractError, describeIssues } from './manifest.ts';

/**
 * report.json: every figure the trainer measured, so report.html, the Learn page and the docs cite one source. It is
 * a shipped contract beside manifest.json: the trainer validates it before writing, the site before drawing. Unknown
 * keys are dropped on reading, so a newer trainer may add figures that an older reader simply ignores.
 */
const count = z.number().int().nonnegative();
const fraction = z.number().min(0).max(1);

export const epochRecordSchema = z.object({ epoch: count, step: count, trainLoss: z.number(), validationMse: z.number(), seconds: z.number() });
export const qualityFiguresSchema = z.object({ mse: z.number().nonnegative(), psnr: z.number() });

/**
 * A rate is NaN in memory when nothing could be measured (no validation image was a judged negative); JSON writes that
 * NaN as null, so null reads back as NaN.
 */
const rate = fraction.nullable().transform((value) => value ?? Number.NaN);
const editEffects = {
  flipRate: rate,
  /** Fraction of the other judge decisions (all other attributes, those images) that changed. */
  otherChangeRate: rate,
  /** Fraction of those images whose decision on `worstOtherAttribute`, the other attribute that changed most, changed. */
  worstOtherChangeRate: rate,
  worstOtherAttribute: z.string().nullable(),
  /** Fraction of those images with at least one other decision changed. */
  anyOtherChangeRate: rate,
};
export const editPointSchema = z.object({ strength: z.number(), ...editEffects });

export const attributeEditResultSchema = z.object({
  /** Strength (in units of the attribute vector) at which success is measured: the vector's suggested one. */
  strength: z.number(),
  /** Negative validation images the judge also calls negative before the edit. */
  judgedNegatives: count,
  ...editEffects,
  /** Flip rate and side effects at every strength of the edit grid, for the trade-off curve. */
  flipRateByStrength: z.array(editPointSchema),
});

export const judgeFiguresSchema = z.object({
  attributes: z.array(z.string()),
  epochs: count,
  seconds: z.number().nonnegative(),
  /** Per attribute: validation accuracy and the positive rate of the labels, for a baseline. */
  validation: z.record(z.string(), z.object({ accuracy: fraction, positiveRate: fraction, balancedAccuracy: fraction })),
});

export const pretrainingFiguresSchema = z.object({
  target: z.string(),
  lr: z.number().positive(),
  frozenLr: z.number().positive(),
  classes: count,
  epochs: count,
  rows: z.array(
    z.object({ labelFraction: fraction, labelled: count, steps: count, scratchAccuracy: fraction, pretrainedAccuracy: fraction, frozenAccuracy: fraction }),
  ),
});

export const trainingFiguresSchema = z.object({
  /** Epochs done: fewer than planned when the time budget (training.maxMinutes) ran out. */
  epochs: count,
  plannedEpochs: count,
  steps: count,
  batchSize: count,
  seconds: z.number().nonnegative(),
  imagesPerSecond: z.number().nonnegative(),
  resumedFromStep: count,
  curve: z.array(epochRecordSchema),
});

export const validationFiguresSchema = z.object({
  model: qualityFiguresSchema,
  /** PCA fitted on the same training split with as many components as the code has dimensions (at most one per pixel). */
  pca: qualityFiguresSchema.extend({ dim: count.optional(), limitedBy: z.enum(['pixels', 'training images − 1']).optional() }),
  /** model.mse / pca.mse; null when PCA could not have as many components as the code. */
  mseRatioToPca: z.number().nonnegative().nullable(),
  /** The shipped ONNX files, measured after export; `weights` says how they store weights (reports before it: float16 or float32). */
  exported: qualityFiguresSchema.extend({ float16: z.boolean(), weights: z.enum(['float32', 'float16', 'int8']).optional() }),
  /** The same weights stored as float16: what halving the files would cost (autoencoders only). */
  float16: qualityFiguresSchema.extend({ encoderBytes: count, decoderBytes: count }).optional(),
});

export const reportSchema = z.object({
  id: z.string().min(1),
  title: z.string(),
  kind: z.string(),
  config: z.string(),
  engine: z.string(),
  device: z.string(),
  data: z.object({ name: z.string(), trainImages: count, validationImages: count, shape: z.tuple([count, count, count]) }),
  codeSize: count,
  parameters: count,
  training: trainingFiguresSchema.optional(),
  validation: validationFiguresSchema,
  attributes: z.record(z.string(), attributeEditResultSchema),
  /** The same edits judged as the API's detail=keep returns them (the image plus the decoder's change), each at its own calibrated strength. */
  attributesKeep: z.record(z.string(), attributeEditResultSchema).optional(),
  judge: judgeFiguresSchema.optional(),
  pretraining: pretrainingFiguresSchema.optional(),
  files: z.record(z.string(), count),
});

export type EpochRecord = z.infer<typeof epochRecordSchema>;
export type QualityFigures = z.infer<typeof qualityFiguresSchema>;
export type EditPoint = z.infer<typeof editPointSchema>;
export type AttributeEditResult = z.infer<typeof attributeEditResultSchema>;
export type JudgeFigures = z.infer<typeof judgeFiguresSchema>;
export type PretrainingFigures = z.infer<typeof pretrainingFiguresSchema>;
export type Report = z.infer<typeof reportSchema>;

export function parseReport(value: unknown, file = 'report.json'): Report {
  const result = reportSchema.safeParse(value);
  if (!result.success) throw new ContractError(file, describeIssues(result.error));
  return result.data;
}

import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { modelSchema } from '../model/spec.ts';
import { optimizerSchema } from '../optim/config.ts';
import { modelCardSchema, modelIdSchema } from '#core/manifest.ts';
import { ATTRIBUTE_METHODS, DEFAULT_ATTRIBUTE_OPTIONS } from '../latent/attribute-vectors.ts';

const positiveInt = z.number().int().positive();
const fraction = z.number().gt(0).lt(1);

const mnistSource = z.object({
  kind: z.literal('mnist'),
  /** Use at most this many digits of each class (the package holds about 1,000 per class); for quick runs. */
  perDigit: positiveInt.max(10_000).optional(),
});

const folderSource = z.object({
  kind: z.literal('folder'),
  /** Folder with the images (directly or in `images/`) and, optionally, the attribute table; relative to the working directory. */
  dir: z.string().min(1),
  /** CelebA `list_attr_celeba.txt` or a CSV with a header whose first column names the image file; default: found in `dir`. */
  attributes: z.string().min(1).optional(),
  /** Side of the square model input. */
  size: z.union([z.literal(32), z.literal(48), z.literal(64), z.literal(96), z.literal(128)]),
  channels: z.union([z.literal(1), z.literal(3)]).default(3),
  /** `celeba-aligned`: CelebA's 140×140 face box of the aligned images; `center-square`: the largest centred square. */
  crop: z.enum(['celeba-aligned', 'center-square']).default('center-square'),
  resize: z.enum(['area', 'bilinear']).default('area'),
  /**
   * `face`: find each photo's largest face (edge/core/align, as the API aligns uploads) and warp it into the framing of
   * CelebA's aligned face crop before resizing; photos without a usable face are skipped and counted. `none`: as is.
   */
  align: z.enum(['none', 'face']).default('none'),
  /** Use only the first `limit` images in file-name order; for quick runs. */
  limit: positiveInt.optional(),
});

export const dataSchema = z.object({
  source: z.discriminatedUnion('kind', [mnistSource, folderSource]),
  validationFraction: fraction.default(0.1),
  /** Seed of the train/validation split, separate from the training seed so every run holds out the same images. */
  splitSeed: z.number().int().nonnegative().default(2026),
  /** Random horizontal flips of training images (faces, never digits). */
  flip: z.boolean().default(false),
});

/**
 * The optimizer of train/optim, except that a cosine schedule may leave out `totalSteps`: the trainer
 * fills it from epochs × steps per epoch once the data is loaded.
 */
export const optimizerConfigSchema = optimizerSchema.extend({
  schedule: z
    .discriminatedUnion('kind', [
      z.object({ kind: z.literal('constant') }),
      z.object({
        kind: z.literal('cosine'),
        warmupSteps: z.number().int().nonnegative().default(0),
        totalSteps: z.number().int().positive().optional(),
        minLr: z.number().finite().nonnegative().default(0),
      }),
      z.object({ kind: z.literal('step'), every: z.number().int().positive(), gamma: z.number().finite().positive().max(1) }),
    ])
    .default({ kind: 'constant' }),
});

export const trainingSchema = z.object({
  epochs: positiveInt.max(10_000),
  batchSize: positiveInt.max(4096).default(64),
  seed: z.number().int().nonnegative().max(2 ** 31).default(1),
  optimizer: optimizerConfigSchema.default({ kind: 'adam', lr: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0, schedule: { kind: 'constant' } }),
  /**
   * Wall-clock budget: training ends at the first epoch end past it, even before `epochs`. Makes a run's
   * length depend on the machine, so the report records how many epochs were done.
   */
  maxMinutes: z.number().positive().optional(),
  /** Save a checkpoint every this many steps (and at every epoch end). */
  checkpointEverySteps: positiveInt.default(200),
});

const judgeSchema = z.object({
  /** Judge attributes; defaults to every attribute the model gets a vector for. */
  attributes: z.array(z.string().min(1)).min(1).optional(),
  epochs: positiveInt.max(1000).default(6),
  batchSize: positiveInt.max(4096).default(64),
  lr: z.number().positive().default(1e-3),
});

const pretrainingSchema = z.object({
  /** Fractions of the training labels the classifiers see. */
  labelFractions: z.array(fraction).min(1).default([0.01, 0.1]),
  /** The label to classify (digits: the digit; faces: a binary attribute). */
  target: z.string().min(1).default('digit'),
  epochs: positiveInt.max(1000).default(30),
  /** Each classifier gets at least this many updates, however few labels it has. */
  minSteps: positiveInt.max(100_000).default(200),
  lr: z.number().positive().default(1e-3),
  /** Learning rate when only the head learns (frozen encoder): a lone linear layer takes larger steps. */
  frozenLr: z.number().positive().default(1e-2),
});

/** Up to 8: partial effects (the default method) are shorter than mean differences and need longer steps. */
const DEFAULT_STRENGTHS = [0.25, 0.5, 0.75, 1, 1.25, 1.5, 1.75, 2, 2.5, 3, 3.5, 4, 4.5, 5, 6, 7, 8];

const editsSchema = z.object({
  /** Attributes whose edits are checked against the judge (default: the judge's attributes). */
  attributes: z.array(z.string().min(1)).min(1).optional(),
  /** Strengths tried, in units of the attribute vector; the suggested one is picked from them on training images. */
  strengths: z.array(z.number().positive().max(10)).min(1).default(DEFAULT_STRENGTHS),
  /** The share of negatives the suggested strength should flip (the issue's target). */
  targetFlip: z.number().gt(0).max(1).default(0.7),
  /** The side-effect limit (share of the judge's other decisions changed): the suggested strength keeps the widest margin to it and to targetFlip. */
  maxOtherChange: z.number().min(0).max(1).default(0.2),
  /** Negative images per attribute to edit, on each split. */
  maxImages: positiveInt.max(5000).default(300),
});

const attributeVectorsSchema = z.object({
  /**
   * `partial-effect` (default; measured better on faces, docs/benchmarks.md): each attribute's effect on the code
   * with every other attribute of the dataset held fixed (ridge regression); `mean-difference`: the lecture's
   * mean(code | positive) − mean(code | negative). Either way attributes.json keeps the mean difference too.
   */
  method: z.enum(ATTRIBUTE_METHODS).default(DEFAULT_ATTRIBUTE_OPTIONS.method),
  /** Ridge penalty of `partial-effect`, as a fraction of each flag's variance. */
  ridge: z.number().positive().max(1000).default(DEFAULT_ATTRIBUTE_OPTIONS.ridge),
});

const reportSchema = z.object({
  /** Validation images in the reconstruction grid (face photos: keep it small, they derive from the dataset). */
  images: positiveInt.max(32).default(10),
  /** Images per attribute-edit grid. */
  editImages: positiveInt.max(16).default(4),
  /** Attributes with edit grids (default: the checked ones). */
  editGrids: z.array(z.string().min(1)).optional(),
  /** Integer magnification of the pictures. */
  scale: positiveInt.max(8).default(2),
});

export const configSchema = z
  .object({
    id: modelIdSchema,
    title: z.string().min(1),
    version: z.string().min(1).default('1.0.0'),
    /** An autoencoder declaration (see train/model/spec.ts) or, with `pca`, the closed-form baseline. */
    model: modelSchema.optional(),
    pca: z.object({ components: positiveInt.max(4096) }).optional(),
    /** The latent size: set on the encoder's `code` linear layer (or the VAE head) and checked after shape inference. */
    codeSize: positiveInt.max(4096),
    data: dataSchema,
    training: trainingSchema.optional(),
    engine: z.enum(['ort', 'tfjs']).default('ort'),
    device: z.enum(['cpu', 'cuda']).default('cpu'),
    /**
     * How the exported ONNX files store weights (train/graphs/inference.ts): float16 halves them, int8 quarters the
     * weight matrices; the report measures what each costs.
     */
    weights: z.enum(['float32', 'float16', 'int8']).default('float32'),
    /** Attributes to compute vectors for; "all" takes every attribute the dataset has. */
    attributes: z.union([z.literal('all'), z.array(z.string().min(1)).min(1)]).default('all'),
    /** How attribute vectors are estimated. */
    attributeVectors: attributeVectorsSchema.default({ method: DEFAULT_ATTRIBUTE_OPTIONS.method, ridge: DEFAULT_ATTRIBUTE_OPTIONS.ridge }),
    judge: judgeSchema.optional(),
    pretraining: pretrainingSchema.optional(),
    edits: editsSchema.default({ strengths: DEFAULT_STRENGTHS, targetFlip: 0.7, maxOtherChange: 0.2, maxImages: 300 }),
    report: reportSchema.default({ images: 10, editImages: 4, scale: 2 }),
    /** Warn when a shipped file is larger than this (the repository's limit for committed models). */
    maxFileMB: z.number().positive().default(8),
    card: modelCardSchema,
    /** Output model folder, written atomically. */
    output: z.string().min(1),
    /** Where checkpoints live; default `.cache/runs/<id>-<config hash>`. */
    runDir: z.string().min(1).optional(),
  })
  .superRefine((c, ctx) => {
    if (!c.model === !c.pca) ctx.addIssue({ code: 'custom', path: ['model'], message: 'give exactly one of "model" (an autoencoder) or "pca"' });
    if (c.model && !c.training) ctx.addIssue({ code: 'custom', path: ['training'], message: 'an autoencoder needs a "training" section' });
    if (c.pca && c.pca.components !== c.codeSize) {
      ctx.addIssue({ code: 'custom', path: ['pca', 'components'], message: `is ${c.pca.components}, codeSize is ${c.codeSize}` });
    }
    if (c.data.source.kind === 'folder' && c.data.source.align === 'face' && c.data.source.crop !== 'center-square') {
      ctx.addIssue({ code: 'custom', path: ['data', 'source', 'crop'], message: 'must be "center-square" with align "face": the aligned photo already is the face crop' });
    }
    if (c.model?.loss.sparsity && !hasLayerNamed(c.model, c.model.loss.sparsity.layer)) {
      ctx.addIssue({ code: 'custom', path: ['model', 'loss', 'sparsity', 'layer'], message: `no layer is named "${c.model.loss.sparsity.layer}"` });
    }
  });

function hasLayerNamed(model: z.infer<typeof modelSchema>, name: string): boolean {
  return [...model.encoder, ...model.decoder].some((l) => l.name === name);
}

export type TrainConfig = z.infer<typeof configSchema>;
export type DataConfig = z.infer<typeof dataSchema>;

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Short flags for the fields changed most often; any other field is reachable by its dotted path (--training.batchSize 32). */
export const FLAG_ALIASES: Record<string, string> = {
  epochs: 'training.epochs',
  lr: 'training.optimizer.lr',
  batch: 'training.batchSize',
  'batch-size': 'training.batchSize',
  seed: 'training.seed',
  out: 'output',
  output: 'output',
  engine: 'engine',
  device: 'device',
  code: 'codeSize',
  'code-size': 'codeSize',
  weights: 'weights',
  'run-dir': 'runDir',
};

/** A flag value as JSON when it parses (numbers, booleans, arrays), else the raw string. */
export function parseFlagValue(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

export function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  if (keys.some((k) => !k || k === '__proto__' || k === 'constructor' || k === 'prototype')) throw new ConfigError(`--${path}: not a valid field path`);
  // Arrays are walked by index, so one layer of a declaration can be changed (--model.encoder.0.out 64).
  let node = target;
  for (const key of keys.slice(0, -1)) {
    const next = node[key];
    if (next === undefined) node[key] = {};
    else if (typeof next !== 'object' || next === null) throw new ConfigError(`--${path}: "${key}" is not an object in the config`);
    node = node[key] as Record<string, unknown>;
  }
  // null removes a field, so an optional section can be switched off from the command line (--judge null).
  if (value === null) delete node[keys[keys.length - 1]];
  else node[keys[keys.length - 1]] = value;
}

/** Applies the code size to the declaration, so one config field drives the encoder, the decoder input and PCA. */
function applyCodeSize(raw: Record<string, unknown>): void {
  const model = raw.model as { encoder?: { name?: string; type?: string; out?: number }[]; vae?: { latentDim?: number } } | undefined;
  if (!model || typeof raw.codeSize !== 'number') return;
  if (model.vae && typeof model.vae === 'object') {
    model.vae.latentDim = raw.codeSize;
    return;
  }
  const code = Array.isArray(model.encoder) ? model.encoder.find((l) => l?.name === 'code') : undefined;
  if (code?.type === 'linear') code.out = raw.codeSize;
}

/** Reads, overrides and validates a config; every failure names the file and the field. */
export function loadConfig(file: string, overrides: Record<string, unknown> = {}): TrainConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`${file}: cannot read the config (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`${file}: not valid JSON: ${(error as Error).message}`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ConfigError(`${file}: the config must be a JSON object`);
  const record = raw as Record<string, unknown>;
  for (const [path, value] of Object.entries(overrides)) setPath(record, path, value);
  applyCodeSize(record);
  const result = configSchema.safeParse(record);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`);
    throw new ConfigError(`${file}: invalid config\n  ${lines.join('\n  ')}`);
  }
  return result.data;
}

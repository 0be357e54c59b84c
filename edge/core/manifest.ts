import { z } from 'zod';

/**
 * The artifact contract `models/<id>/`: one schema read by the trainer (writer), the API, the site and the widgets.
 * models/README.md documents every field; keep both in step.
 */
export const MANIFEST_SCHEMA_VERSION = 1;

const finite = () => z.number().refine(Number.isFinite, 'must be a finite number');
const fraction = () => z.number().min(0).max(1);
const positiveInt = () => z.number().int().positive();

export const MODEL_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;
export const MODEL_ID_RULE = 'model id: lowercase letters, digits and "-", at most 63 characters';
export const modelIdSchema = z.string().regex(MODEL_ID_PATTERN, MODEL_ID_RULE);

const point = z.tuple([fraction(), fraction()]);

export const cropSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('none') }),
  z.object({ kind: z.literal('center-square') }),
  z
    .object({ kind: z.literal('box'), left: fraction(), top: fraction(), width: fraction(), height: fraction() })
    .refine((b) => b.width > 0 && b.height > 0, 'box crop needs a positive width and height')
    .refine((b) => b.left + b.width <= 1 + 1e-9 && b.top + b.height <= 1 + 1e-9, 'box crop must lie inside the image'),
]);

export const preprocessSchema = z.object({
  crop: cropSchema,
  resize: z.enum(['bilinear', 'area']),
  grayscale: z.boolean(),
  /** Drawings arrive dark-on-light while MNIST is light-on-dark: invert when the border is mostly light. */
  invertIfLightBackground: z.boolean().optional(),
});

export const inputSchema = z.object({
  channels: z.union([z.literal(1), z.literal(3)]),
  height: positiveInt().max(1024),
  width: positiveInt().max(1024),
  layout: z.literal('NCHW'),
  range: z.tuple([z.literal(0), z.literal(1)]),
  preprocess: preprocessSchema,
  /** Landmarks as fractions of the model-space image, so uploads can be aligned like the training faces. */
  face: z.object({ leftEye: point, rightEye: point, mouth: point }).optional(),
});

export const latentSchema = z.object({
  dim: positiveInt().max(4096),
  mean: z.array(finite()),
  std: z.array(finite().refine((v) => v >= 0, 'std must be >= 0')),
  /** Row-major dim×dim covariance of the training codes; when present, sampling uses it instead of std. */
  covariance: z.array(finite()).optional(),
  /**
   * A Gaussian mixture over the training codes (train/latent/density.ts); when present, sampling draws from it.
   * Per component k: weights[k], means[k·dim…], and the lower Cholesky factor of its covariance, rows packed
   * (dim·(dim+1)/2 values) at lowers[k·dim·(dim+1)/2…].
   */
  mixture: z
    .object({
      weights: z.array(finite().refine((v) => v > 0, 'mixture weights must be > 0')).min(1).max(64),
      means: z.array(finite()),
      lowers: z.array(finite()),
    })
    .optional(),
});

export type LatentMixture = NonNullable<z.infer<typeof latentSchema>['mixture']>;

export const fileEntrySchema = z.object({
  path: z
    .string()
    .min(1)
    .refine((p) => !p.startsWith('/') && !p.split('/').includes('..'), 'file path must stay inside the model folder'),
  sha256: z.string().regex(/^[0-9a-f]{64}$/, 'sha256 must be 64 lowercase hex digits'),
  bytes: z.number().int().nonnegative(),
});

export const filesSchema = z
  .object({ encoder: fileEntrySchema, decoder: fileEntrySchema, attributes: fileEntrySchema })
  .catchall(fileEntrySchema);

export const modelCardSchema = z.object({
  summary: z.string().min(1),
  data: z.object({ name: z.string().min(1), source: z.string().min(1), licence: z.string().min(1) }),
  intendedUse: z.string().min(1),
  limitations: z.string().min(1),
});

/** Metrics are free-form JSON (numbers, strings, nested objects); a non-finite number anywhere is refused. */
function allNumbersFinite(value: unknown): boolean {
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) return value.every(allNumbersFinite);
  if (value && typeof value === 'object') return Object.values(value).every(allNumbersFinite);
  return true;
}
const metricsSchema = z.record(z.string(), z.unknown()).refine(allNumbersFinite, 'metrics may hold only finite numbers');

function mixtureIssues({ weights, means, lowers }: LatentMixture, dim: number): string[] {
  const K = weights.length;
  const packed = (dim * (dim + 1)) / 2;
  const issues: string[] = [];
  if (means.length !== K * dim) issues.push(`means has ${means.length} values, ${K} components × dim ${dim} is ${K * dim}`);
  if (lowers.length !== K * packed) issues.push(`lowers has ${lowers.length} values, ${K} packed ${dim}×${dim} factors are ${K * packed}`);
  else
    for (let k = 0; k < K; k++)
      for (let i = 0; i < dim; i++) if (!(lowers[k * packed + (i * (i + 3)) / 2] > 0)) issues.push(`component ${k}: Cholesky diagonal ${i} must be > 0`);
  const total = weights.reduce((a, b) => a + b, 0);
  if (Math.abs(total - 1) > 1e-3) issues.push(`weights sum to ${total}, not 1`);
  return issues.slice(0, 5);
}

export const manifestSchema = z
  .object({
    schemaVersion: z.literal(MANIFEST_SCHEMA_VERSION),
    id: modelIdSchema,
    title: z.string().min(1),
    version: z.string().min(1),
    kind: z.string().regex(/^[a-z0-9-]+$/, 'kind: lowercase letters, digits and "-" (e.g. pca, autoencoder, vae)'),
    card: modelCardSchema,
    input: inputSchema,
    latent: latentSchema,
    files: filesSchema,
    metrics: metricsSchema,
  })
  .superRefine((m, ctx) => {
    const { dim, mean, std, covariance } = m.latent;
    if (mean.length !== dim) ctx.addIssue({ code: 'custom', path: ['latent', 'mean'], message: `has ${mean.length} values, latent.dim is ${dim}` });
    if (std.length !== dim) ctx.addIssue({ code: 'custom', path: ['latent', 'std'], message: `has ${std.length} values, latent.dim is ${dim}` });
    if (covariance && covariance.length !== dim * dim) {
      ctx.addIssue({ code: 'custom', path: ['latent', 'covariance'], message: `has ${covariance.length} values, dim*dim is ${dim * dim}` });
    }
    if (m.latent.mixture) mixtureIssues(m.latent.mixture, dim).forEach((message) => ctx.addIssue({ code: 'custom', path: ['latent', 'mixture'], message }));
    if (m.input.preprocess.grayscale !== (m.input.channels === 1)) {
      ctx.addIssue({ code: 'custom', path: ['input', 'preprocess', 'grayscale'], message: 'must be true exactly when input.channels is 1' });
    }
  });

export type Manifest = z.infer<typeof manifestSchema>;
export type ManifestInput = Manifest['input'];
export type CropRule = z.infer<typeof cropSchema>;
export type FileEntry = z.infer<typeof fileEntrySchema>;

/** How the trainer estimated an attribute's `vector` (models/README.md). */
export const attributeMethodSchema = z.enum(['partial-effect', 'mean-difference']);

export const attributeSchema = z
  .object({
    vector: z.array(finite()).min(1),
    positives: z.number().int().nonnegative(),
    negatives: z.number().int().nonnegative(),
    suggestedRange: z.tuple([finite(), finite()]),
    description: z.string().optional(),
    /** Absent in files written before the trainer had a choice: those vectors are mean differences. */
    method: attributeMethodSchema.optional(),
    /** mean(code | positive) − mean(code | negative), kept beside a `vector` estimated otherwise. */
    meanDifference: z.array(finite()).min(1).optional(),
    /** Face models: the suggested strengths for edits returned with detail=keep, calibrated on those outputs. */
    keep: z.object({ suggestedRange: z.tuple([finite(), finite()]) }).optional(),
  })
  .refine((a) => a.suggestedRange[0] < a.suggestedRange[1], { message: 'suggestedRange must be [min, max] with min < max', path: ['suggestedRange'] });

export const attributeNameSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'attribute name: letters, digits, "_" or "-"');

export const attributesFileSchema = z.object({
  attributes: z.record(attributeNameSchema, attributeSchema),
});

export type AttributeVector = z.infer<typeof attributeSchema>;
export type AttributesFile = z.infer<typeof attributesFileSchema>;

/** Flattens zod issues into "path: message" lines that name the offending field. */
export function describeIssues(error: z.ZodError, prefix = ''): string[] {
  return error.issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    return `${prefix}${path ? path : '(root)'}: ${issue.message}`;
  });
}

export class ContractError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`${file} breaks the model contract:\n  ${problems.join('\n  ')}`);
    this.name = 'ContractError';
  }
}

export function parseManifest(value: unknown, file = 'manifest.json'): Manifest {
  const result = manifestSchema.safeParse(value);
  if (!result.success) throw new ContractError(file, describeIssues(result.error));
  return result.data;
}

/** Validates attributes.json alone and against the manifest it belongs to (vector length = latent.dim). */
export function parseAttributes(value: unknown, manifest: Pick<Manifest, 'latent'>, file = 'attributes.json'): AttributesFile {
  const result = attributesFileSchema.safeParse(value);
  if (!result.success) throw new ContractError(file, describeIssues(result.error));
  const dim = manifest.latent.dim;
  const problems = Object.entries(result.data.attributes).flatMap(([name, a]) =>
    (['vector', 'meanDifference'] as const)
      .filter((field) => a[field] && a[field].length !== dim)
      .map((field) => `attributes.${name}.${field}: has ${a[field]!.length} values, latent.dim is ${dim}`),
  );
  if (problems.length) throw new ContractError(file, problems);
  return result.data;
}

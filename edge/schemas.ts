import { z } from '@hono/zod-openapi';
import { CUSTOM_PREFIX, MAX_TOKEN_LENGTH } from '#core/custom-attribute.ts';
import { attributeNameSchema, manifestSchema, MODEL_ID_PATTERN, MODEL_ID_RULE } from '#core/manifest.ts';

// Schemas from core/manifest.ts are built with plain zod and may exist before @hono/zod-openapi extends zod,
// so they are embedded as they are and never given `.openapi()` metadata here.

/** Upper bounds of every number a request controls; the schemas below and the docs both read them. */
export const LIMITS = {
  latentLength: 4096,
  frames: { min: 2, max: 32, default: 8 },
  sampleCount: { min: 1, max: 64, default: 8 },
  size: { min: 8, max: 1024 },
  strength: 10,
  attributesPerRequest: 16,
  strengthSteps: 32,
  delayMs: { min: 20, max: 5000, default: 100 },
  /** Pixels of all output images of one response together, after ?size= scaling. */
  outputPixels: 4_194_304,
} as const;

/**
 * The Node server's limits on work and slow clients (edge/node/); documented per route in the OpenAPI document.
 * Workers has its platform's own CPU and memory limits instead.
 */
export const NODE_SERVER_LIMITS = {
  /** Running time of one request on a pool thread before it is stopped with 503 deadline_exceeded. */
  deadlineMs: 15_000,
  /**
   * Largest request body: a 64 MP phone JPEG is 15–25 MB, and Node reads JPEGs at reduced scale (shrink-on-load), so
   * the body, not the pixels, is what it holds. Workers keep the app's 8 MB default (128 MB per isolate).
   */
  maxBodyBytes: 32 * 2 ** 20,
  /** Requests running or waiting at once, and their body bytes together, before 503 overloaded. */
  maxPending: 128,
  maxPendingBytes: 64 * 2 ** 20,
  /** Request headers, then the body, must arrive within these (431/408 past them). */
  headersTimeoutMs: 10_000,
  bodyTimeoutMs: 30_000,
} as const;

export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: 'invalid_latent' }),
      message: z.string().openapi({ example: 'latent has 3 values; this model’s latent has 128' }),
      details: z.record(z.string(), z.unknown()).optional(),
    }),
  })
  .openapi('Error');

export const ModelParams = z.object({
  id: z.string().regex(MODEL_ID_PATTERN, MODEL_ID_RULE).openapi({ param: { name: 'id', in: 'path' }, example: 'faces' }),
});

export const LatentSchema = z
  .array(z.number())
  .min(1)
  .max(LIMITS.latentLength)
  .openapi('Latent', { description: "A code of exactly latent.dim finite numbers (see GET /v1/models/{id})", example: [0.12, -1.3, 0.7] });

const strengthValue = z.number().min(-LIMITS.strength).max(LIMITS.strength);
/** A model's own attribute name, or `custom:<token>` from POST /v1/models/{id}/attributes/custom. */
const strengthName = z.union([attributeNameSchema, z.string().regex(new RegExp(`^${CUSTOM_PREFIX}[A-Za-z0-9_-]{12,${MAX_TOKEN_LENGTH}}$`), 'custom attribute: custom:<token>')]);
export const StrengthsSchema = z
  .record(strengthName, z.union([strengthValue, z.array(strengthValue).min(1).max(LIMITS.strengthSteps)]))
  .refine((s) => Object.keys(s).length >= 1 && Object.keys(s).length <= LIMITS.attributesPerRequest, {
    message: `name between 1 and ${LIMITS.attributesPerRequest} attributes`,
  })
  .refine((s) => new Set(Object.values(s).filter(Array.isArray).map((a) => a.length)).size <= 1, {
    message: 'every list of strengths must have the same length (one output per step)',
  })
  .openapi('Strengths', {
    description:
      'Attribute name (or "custom:<token>" from POST /v1/models/{id}/attributes/custom) -> strength (added as strength × vector). A list of strengths gives one output per step; all lists must have the same length, plain numbers apply to every step.',
    example: { Smiling: 1, Young: -0.8 },
  });

const outputQuery = {
  size: z.coerce
    .number()
    .int()
    .min(LIMITS.size.min)
    .max(LIMITS.size.max)
    .optional()
    .openapi({ description: 'Scale each output image so its longer side has this many pixels (display only); all images of one response together may have at most 4,194,304 pixels.', example: 256 }),
  resample: z
    .enum(['bilinear', 'nearest'])
    .default('bilinear')
    .openapi({ description: 'Filter used by `size`: bilinear (smooth, the default), or nearest for hard pixel edges.' }),
};

export const ImageOutputQuery = z.object(outputQuery);

const detail = z.enum(['keep', 'none']).optional();
const output = z.enum(['face', 'photo']).optional();
const DETAIL_DOC =
  'keep: the edit is applied as a change, Dec(z′) − Dec(z), to the photo’s own aligned face at its native resolution (up to 512 px), so detail the code cannot hold is kept; none: the decoder’s output.';
const OUTPUT_DOC =
  'photo: the whole upload (its own width and height, EXIF orientation applied) with the edited face pasted back through a feathered face mask; pixels away from the face are unchanged. face: the aligned face crop.';
/** Face edits: detail transfer and paste-back (edge/README.md, "Your own photo back"). */
export const photoQuery = (defaults: string) => ({
  detail: detail.openapi({ description: `${DETAIL_DOC} Default: ${defaults}` }),
  output: output.openapi({ description: `${OUTPUT_DOC} \`size\` applies to face outputs only.` }),
});
const IMAGE_FORMAT_DOC = 'png or jpeg (quality 90); default: the upload’s own format (JPEG in, JPEG out) for output=photo, else png.';
export const ReconstructQuery = z.object({
  ...outputQuery,
  ...photoQuery('detail=none, output=face: reconstruct shows the autoencoder.'),
  format: z.enum(['png', 'jpeg']).optional().openapi({ description: IMAGE_FORMAT_DOC }),
});
export const AnalogyQuery = z.object({
  ...outputQuery,
  ...photoQuery('detail=keep, output=photo (C’s photo) when C is an uploaded photo whose face was aligned on a face model; else detail=none, output=face.'),
  format: z.enum(['png', 'jpeg', 'json']).optional().openapi({ description: `${IMAGE_FORMAT_DOC} json: the latent instead of the image.` }),
});
const animationQuery = {
  ...outputQuery,
  format: z
    .enum(['png', 'gif', 'json'])
    .default('png')
    .openapi({ description: 'png: frames side by side in one strip; gif: looping animation; json: the latents. (WebP output is not offered.)' }),
  delay: z.coerce
    .number()
    .int()
    .min(LIMITS.delayMs.min)
    .max(LIMITS.delayMs.max)
    .default(LIMITS.delayMs.default)
    .openapi({ description: 'GIF frame delay in milliseconds.' }),
};
export const MorphQuery = z.object({
  ...animationQuery,
  detail: detail.openapi({
    description: `${DETAIL_DOC} With keep, frame(t) = Dec(z_t) + (1−t)·(A − Dec(z_A)) + t·(B − Dec(z_B)): the end frames are the photos’ own faces, as face crops at \`size\` (default 256). Default: keep when both inputs are photos aligned on a face model, else none.`,
  }),
  frames: z.coerce
    .number()
    .int()
    .min(LIMITS.frames.min)
    .max(LIMITS.frames.max)
    .default(LIMITS.frames.default)
    .openapi({ description: 'Number of frames, both inputs included.' }),
  path: z.enum(['linear', 'spherical']).default('linear').openapi({ description: 'spherical interpolates around the latent mean.' }),
});
export const AttributesQuery = z.object({
  ...animationQuery,
  ...photoQuery('detail=keep, output=photo when the image is an uploaded photo whose face was aligned on a face model; else detail=none, output=face.'),
  format: z
    .enum(['png', 'jpeg', 'gif', 'json'])
    .optional()
    .openapi({ description: `${IMAGE_FORMAT_DOC} Several strengths: png/jpeg give one strip, gif an animation. json: the latents.` }),
});
export const SampleQuery = z.object({
  ...animationQuery,
  seed: z.coerce.number().int().min(0).max(2 ** 32 - 1).default(0).openapi({ description: 'Same seed, same samples.' }),
  n: z.coerce
    .number()
    .int()
    .min(LIMITS.sampleCount.min)
    .max(LIMITS.sampleCount.max)
    .default(LIMITS.sampleCount.default)
    .openapi({ description: 'Number of samples (one strip or one animation).' }),
  temperature: z.coerce.number().min(0).max(3).default(1).openapi({ description: 'Scales the spread of the samples around the mean.' }),
});

export const DecodeJson = z.object({ latent: LatentSchema }).openapi('DecodeRequest');
export const MorphJson = z.object({ a: LatentSchema, b: LatentSchema }).openapi('MorphRequest');
export const AttributesJson = z.object({ latent: LatentSchema, attributes: StrengthsSchema }).openapi('AttributesRequest');
export const AnalogyJson = z.object({ a: LatentSchema, b: LatentSchema, c: LatentSchema }).openapi('AnalogyRequest');

export const LatentResponse = z.object({ model: z.string(), latent: LatentSchema }).openapi('LatentResponse');
export const LatentsResponse = z.object({ model: z.string(), latents: z.array(LatentSchema) }).openapi('LatentsResponse');

export const AttributeInfo = z
  .object({
    name: z.string(),
    suggestedRange: z.tuple([z.number(), z.number()]),
    keepSuggestedRange: z
      .tuple([z.number(), z.number()])
      .optional()
      .openapi({ description: 'Face models: the suggested strengths for edits with detail=keep (the default for photos), calibrated on those outputs.' }),
    positives: z.number().int(),
    negatives: z.number().int(),
    description: z.string().optional(),
  })
  .openapi('AttributeInfo');

export const ModelSummary = z
  .object({ id: z.string(), title: z.string(), version: z.string(), kind: z.string(), latentDim: z.number().int(), attributes: z.array(z.string()) })
  .openapi('ModelSummary');

export const ModelDetail = z
  .object({
    id: z.string(),
    manifest: manifestSchema,
    attributes: z.array(AttributeInfo),
    metrics: z.record(z.string(), z.unknown()),
  })
  .openapi('ModelDetail');

export const HealthResponse = z.object({ status: z.literal('ok'), models: z.array(z.string()) }).openapi('Health');

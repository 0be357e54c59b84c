import { z } from 'zod';

const positiveInt = z.number().int().positive();
const nonNegativeInt = z.number().int().nonnegative();
/** Optional per-layer name, used in error messages and to address an activation (e.g. the sparse-code penalty). */
const named = { name: z.string().min(1).optional() };

export const layerSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('conv2d'), out: positiveInt, kernel: positiveInt, stride: positiveInt.default(1), padding: nonNegativeInt.default(0), ...named }),
  z.object({
    type: z.literal('convTranspose2d'),
    out: positiveInt,
    kernel: positiveInt,
    stride: positiveInt.default(1),
    padding: nonNegativeInt.default(0),
    outputPadding: nonNegativeInt.default(0),
    ...named,
  }),
  z.object({ type: z.literal('linear'), out: positiveInt, ...named }),
  z.object({ type: z.literal('flatten'), ...named }),
  /** Per-sample shape; the batch dimension is implicit. */
  z.object({ type: z.literal('reshape'), shape: z.array(positiveInt).min(1), ...named }),
  z.object({ type: z.literal('upsample'), scale: positiveInt, ...named }),
  z.object({ type: z.literal('relu'), ...named }),
  z.object({ type: z.literal('leakyRelu'), alpha: z.number().min(0).max(1).default(0.01), ...named }),
  z.object({ type: z.literal('elu'), alpha: z.number().positive().default(1), ...named }),
  z.object({ type: z.literal('sigmoid'), ...named }),
  z.object({ type: z.literal('tanh'), ...named }),
  /** Training only; the keep-mask is a graph input so runs are reproducible from a seed. */
  z.object({ type: z.literal('dropout'), rate: z.number().min(0).lt(1), ...named }),
  /** Training only; the noise is a graph input so runs are reproducible from a seed. */
  z.object({ type: z.literal('gaussianNoise'), std: z.number().nonnegative(), ...named }),
]);

export const lossSchema = z.object({
  reconstruction: z.enum(['mse', 'bce', 'l1']).default('mse'),
  /** L1 penalty on a named activation: the sparse autoencoder. */
  sparsity: z.object({ layer: z.string().min(1), weight: z.number().nonnegative() }).optional(),
  /** KL(q(z|x) || N(0, I)) weight, used when the model has a VAE head. */
  klWeight: z.number().nonnegative().default(1),
});

export const modelSchema = z.object({
  name: z.string().min(1),
  /** Per-sample input shape [C, H, W]. */
  input: z.tuple([positiveInt, positiveInt, positiveInt]),
  /** Layers from image to code (for a VAE: to the features the head reads). */
  encoder: z.array(layerSchema).min(1),
  /** A VAE head: Linear layers to mean and log-variance, and reparameterization with fed-in noise. */
  vae: z.object({ latentDim: positiveInt }).optional(),
  /** Layers from code to image. */
  decoder: z.array(layerSchema).min(1),
  loss: lossSchema.default({ reconstruction: 'mse', klWeight: 1 }),
});

export type LayerSpec = z.infer<typeof layerSchema>;
export type LossSpec = z.infer<typeof lossSchema>;
export type ModelSpec = z.infer<typeof modelSchema>;
export type ModelSpecInput = z.input<typeof modelSchema>;

/** Parses a declaration, naming the first offending field. */
export function parseModel(declaration: unknown): ModelSpec {
  const result = modelSchema.safeParse(declaration);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new Error(`model declaration: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return result.data;
}

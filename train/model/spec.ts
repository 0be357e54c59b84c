import { z } from 'zod';
import { eluSchema, leakyReluSchema, reluSchema, sigmoidSchema, tanhSchema } from '../layers/activations.ts';
import { conv2dSchema, convTranspose2dSchema } from '../layers/conv.ts';
import { linearSchema } from '../layers/linear.ts';
import { flattenSchema, reshapeSchema, upsampleSchema } from '../layers/reshape.ts';
import { dropoutSchema, gaussianNoiseSchema } from '../layers/stochastic.ts';

const positiveInt = z.number().int().positive();

/** Every layer type's declaration; each schema sits in its row of the layer table (train/layers/*). */
export const layerSchema = z.discriminatedUnion('type', [
  conv2dSchema,
  convTranspose2dSchema,
  linearSchema,
  flattenSchema,
  reshapeSchema,
  upsampleSchema,
  reluSchema,
  leakyReluSchema,
  eluSchema,
  sigmoidSchema,
  tanhSchema,
  dropoutSchema,
  gaussianNoiseSchema,
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

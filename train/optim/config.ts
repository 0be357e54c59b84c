import { z } from 'zod';

const finitePositive = z.number().finite().positive();

export const scheduleSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('constant') }),
  /** Linear warm-up from 0 to the base rate, then a half cosine down to `minLr` at `totalSteps`. */
  z.object({
    kind: z.literal('cosine'),
    warmupSteps: z.number().int().nonnegative().default(0),
    totalSteps: z.number().int().positive(),
    minLr: z.number().finite().nonnegative().default(0),
  }),
  /** The base rate times `gamma` for every completed `every` steps. */
  z.object({ kind: z.literal('step'), every: z.number().int().positive(), gamma: finitePositive.max(1) }),
]);

export const optimizerSchema = z.object({
  /** 'adamw' decouples weight decay from the gradient (Loshchilov & Hutter); 'adam' adds it to the gradient (L2). */
  kind: z.enum(['adam', 'adamw']).default('adam'),
  lr: finitePositive.default(1e-3),
  beta1: z.number().min(0).lt(1).default(0.9),
  beta2: z.number().min(0).lt(1).default(0.999),
  epsilon: finitePositive.default(1e-8),
  weightDecay: z.number().finite().nonnegative().default(0),
  /** Scales all gradients together so their global L2 norm is at most this. */
  clipNorm: finitePositive.optional(),
  schedule: scheduleSchema.default({ kind: 'constant' }),
});

export type ScheduleConfig = z.infer<typeof scheduleSchema>;
export type OptimizerConfig = z.infer<typeof optimizerSchema>;
export type OptimizerConfigInput = z.input<typeof optimizerSchema>;

export function parseOptimizer(input: unknown): OptimizerConfig {
  const result = optimizerSchema.safeParse(input ?? {});
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new Error(`optimizer: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return result.data;
}

import type { LayerSpec } from '../model/spec.ts';
import { sameShape } from './shape-rules.ts';
import type { LayerRule, Saved } from './types.ts';
import { z } from 'zod';
import { named } from './schema.ts';

type Of<T extends LayerSpec['type']> = Extract<LayerSpec, { type: T }>;

// Both are the identity at inference. In training their randomness is a graph input, drawn by the runner from its seed.

/** Training only; the keep-mask is a graph input so runs are reproducible from a seed. */
export const dropoutSchema = z.object({ type: z.literal('dropout'), rate: z.number().min(0).lt(1), ...named });
/** Training only; the noise is a graph input so runs are reproducible from a seed. */
export const gaussianNoiseSchema = z.object({ type: z.literal('gaussianNoise'), std: z.number().nonnegative(), ...named });

export const dropout: LayerRule<Of<'dropout'>> = {
  infer: sameShape,
  forward(g, x, { rate }, ctx) {
    if (!ctx.training) return { y: x, saved: {} as Saved };
    // Inverted dropout: kept values are scaled up so the expected activation matches inference.
    const scaledMask = g.op('Mul', [ctx.randomInput('keep_mask', 'keepMask', { rate }), g.scalar(1 / (1 - rate))]);
    return { y: g.op('Mul', [x, scaledMask]), saved: { scaledMask } };
  },
  backward: (g, dy, _layer, { scaledMask }) => ({ dx: g.op('Mul', [dy, scaledMask]), dParams: [] }),
  tfjs({ tf, info, random }, { rate }) {
    // Inverted dropout: kept values are scaled by 1/(1-rate) so inference needs no rescaling.
    const scale = 1 / (1 - rate);
    return (x, ctx) => (ctx.training ? tf.mul(x, tf.mul(random(ctx, `${info.key}.keep_mask`, x.shape), scale)) : x);
  },
};

export const gaussianNoise: LayerRule<Of<'gaussianNoise'>> = {
  infer: sameShape,
  forward(g, x, { std }, ctx) {
    if (!ctx.training) return { y: x, saved: {} };
    const noise = g.op('Mul', [ctx.randomInput('noise', 'normal', { std }), g.scalar(std)]);
    return { y: g.op('Add', [x, noise]), saved: {} };
  },
  backward: (_g, dy) => ({ dx: dy, dParams: [] }),
  tfjs: ({ tf, info, random }, { std }) => (x, ctx) => (ctx.training ? tf.add(x, tf.mul(random(ctx, `${info.key}.noise`, x.shape), std)) : x),
};

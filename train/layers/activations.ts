import { float } from '../onnx/graph.ts';
import type { LayerSpec } from '../model/spec.ts';
import { sameShape } from './shape-rules.ts';
import type { LayerRule } from './types.ts';
import { z } from 'zod';
import { named } from './schema.ts';
import { eager } from '../engine/tfjs/build.ts';

type Of<T extends LayerSpec['type']> = Extract<LayerSpec, { type: T }>;

// Rectifiers keep their output, not their input: with slope >= 0, y > 0 exactly where x > 0.

export const reluSchema = z.object({ type: z.literal('relu'), ...named });
export const leakyReluSchema = z.object({ type: z.literal('leakyRelu'), alpha: z.number().min(0).max(1).default(0.01), ...named });
export const eluSchema = z.object({ type: z.literal('elu'), alpha: z.number().positive().default(1), ...named });
export const sigmoidSchema = z.object({ type: z.literal('sigmoid'), ...named });
export const tanhSchema = z.object({ type: z.literal('tanh'), ...named });

export const relu: LayerRule<Of<'relu'>> = {
  infer: sameShape,
  forward(g, x) {
    const y = g.op('Relu', [x]);
    return { y, saved: { y } };
  },
  // y >= 0, so Sign(y) is the 0/1 mask: two float passes, no bool tensor (faster than Where or Cast in onnxruntime CPU).
  backward: (g, dy, _layer, { y }) => ({ dx: g.op('Mul', [dy, g.op('Sign', [y])]), dParams: [] }),
  tfjs: ({ tf }) => eager(tf.layers.reLU()),
};

export const leakyRelu: LayerRule<Of<'leakyRelu'>> = {
  infer: sameShape,
  forward(g, x, { alpha }) {
    const y = g.op('LeakyRelu', [x], { alpha: float(alpha) });
    return { y, saved: { y } };
  },
  // A slope tensor picked by Where and one Mul: one full-size pass fewer than Where(mask, dy, alpha * dy).
  backward: (g, dy, { alpha }, { y }) => ({
    dx: g.op('Mul', [dy, g.op('Where', [g.op('Greater', [y, g.scalar(0)]), g.scalar(1), g.scalar(alpha)])]),
    dParams: [],
  }),
  tfjs: ({ tf }, { alpha }) => eager(tf.layers.leakyReLU({ alpha })),
};

export const elu: LayerRule<Of<'elu'>> = {
  infer: sameShape,
  forward(g, x, { alpha }) {
    const y = g.op('Elu', [x], { alpha: float(alpha) });
    return { y, saved: { y } };
  },
  // For x <= 0, y = alpha (e^x - 1), so dy/dx = alpha e^x = y + alpha.
  backward: (g, dy, { alpha }, { y }) => ({
    dx: g.op('Where', [g.op('Greater', [y, g.scalar(0)]), dy, g.op('Mul', [dy, g.op('Add', [y, g.scalar(alpha)])])]),
    dParams: [],
  }),
  tfjs({ tf }, { alpha }) {
    if (alpha === 1) return eager(tf.layers.elu());
    // tfjs-layers' ELU rejects alpha != 1. Written without a comparison: tfjs cannot differentiate through one.
    return (x) => tf.add(tf.relu(x), tf.mul(tf.sub(tf.exp(tf.minimum(x, 0)), 1), alpha));
  },
};

export const sigmoid: LayerRule<Of<'sigmoid'>> = {
  infer: sameShape,
  forward(g, x) {
    const y = g.op('Sigmoid', [x]);
    return { y, saved: { y } };
  },
  backward: (g, dy, _layer, { y }) => ({ dx: g.op('Mul', [dy, g.op('Mul', [y, g.op('Sub', [g.scalar(1), y])])]), dParams: [] }),
  tfjs: ({ tf }) => eager(tf.layers.activation({ activation: 'sigmoid' })),
};

export const tanh: LayerRule<Of<'tanh'>> = {
  infer: sameShape,
  forward(g, x) {
    const y = g.op('Tanh', [x]);
    return { y, saved: { y } };
  },
  backward: (g, dy, _layer, { y }) => ({ dx: g.op('Mul', [dy, g.op('Sub', [g.scalar(1), g.op('Mul', [y, y])])]), dParams: [] }),
  tfjs: ({ tf }) => eager(tf.layers.activation({ activation: 'tanh' })),
};

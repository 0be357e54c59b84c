import { float } from '../onnx/graph.ts';
import type { LayerSpec } from '../model/spec.ts';
import { sameShape } from './shape-rules.ts';
import type { LayerRule } from './types.ts';
import { z } from 'zod';
import { named } from './schema.ts';

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
};

export const sigmoid: LayerRule<Of<'sigmoid'>> = {
  infer: sameShape,
  forward(g, x) {
    const y = g.op('Sigmoid', [x]);
    return { y, saved: { y } };
  },
  backward: (g, dy, _layer, { y }) => ({ dx: g.op('Mul', [dy, g.op('Mul', [y, g.op('Sub', [g.scalar(1), y])])]), dParams: [] }),
};

export const tanh: LayerRule<Of<'tanh'>> = {
  infer: sameShape,
  forward(g, x) {
    const y = g.op('Tanh', [x]);
    return { y, saved: { y } };
  },
  backward: (g, dy, _layer, { y }) => ({ dx: g.op('Mul', [dy, g.op('Sub', [g.scalar(1), g.op('Mul', [y, y])])]), dParams: [] }),
};

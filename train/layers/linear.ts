import type { LayerSpec } from '../model/spec.ts';
import type { GraphBuilder } from '../onnx/graph.ts';
import type { LayerRule } from './types.ts';
import { fmt, weightAndBias, weightInit } from './shape-rules.ts';
import { z } from 'zod';
import { named, positiveInt } from './schema.ts';

type Linear = Extract<LayerSpec, { type: 'linear' }>;

/** y = x W + b with W as [in, out] (Gemm without transB): also the VAE head's affine maps. */
export function affineForward(g: GraphBuilder, x: string, weight: string, bias: string): string {
  return g.op('Gemm', [x, weight, bias]);
}

export function affineBackward(g: GraphBuilder, dy: string, x: string, weight: string, needInputGrad: boolean) {
  return {
    dx: needInputGrad ? g.op('Gemm', [dy, weight], { transB: 1 }) : undefined,
    dWeight: g.op('Gemm', [x, dy], { transA: 1 }),
    dBias: g.op('ReduceSum', [dy, g.ints([0])], { keepdims: 0 }),
  };
}

export const linearSchema = z.object({ type: z.literal('linear'), out: positiveInt, ...named });

export const linear: LayerRule<Linear> = {
  infer({ layer, inShape, label, key, following }) {
    if (inShape.length !== 1) throw new Error(`${label}: needs a flat input, got ${fmt(inShape)} (add a flatten before it)`);
    const [n] = inShape;
    return { outShape: [layer.out], params: weightAndBias(key, [n, layer.out], weightInit(n, layer.out, following), layer.out) };
  },
  forward(g, x, _layer, ctx) {
    const [weight, bias] = ctx.params;
    return { y: affineForward(g, x, weight, bias), saved: { x } };
  },
  backward(g, dy, _layer, saved, ctx) {
    const { dx, dWeight, dBias } = affineBackward(g, dy, saved.x, ctx.params[0], ctx.needInputGrad);
    return { dx, dParams: [dWeight, dBias] };
  },
  tfjs({ tf, info, weighted, bind }, { out }) {
    const dense = tf.layers.dense({ units: out });
    const stage = weighted(dense, info.inShape);
    bind(dense, info.params[0], info.params[1], null);
    return stage;
  },
};

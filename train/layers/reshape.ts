import type { LayerSpec } from '../model/spec.ts';
import type { GraphBuilder } from '../onnx/graph.ts';
import { fullShape, type LayerContext, type LayerRule } from './types.ts';
import { count, fmt, spatialInput } from './shape-rules.ts';
import { z } from 'zod';
import { named, positiveInt } from './schema.ts';
import { chain, eager, isImage } from '../engine/tfjs/build.ts';

type Flatten = Extract<LayerSpec, { type: 'flatten' }>;
type Reshape = Extract<LayerSpec, { type: 'reshape' }>;
type Upsample = Extract<LayerSpec, { type: 'upsample' }>;

// A 0 in a Reshape target copies the input's dimension, so the same node serves static and symbolic batches.
const toOutShape = (g: GraphBuilder, x: string, ctx: LayerContext) => g.op('Reshape', [x, g.ints([0, ...ctx.info.outShape])]);
const toInShape = (g: GraphBuilder, dy: string, ctx: LayerContext) => g.op('Reshape', [dy, g.ints([0, ...ctx.info.inShape])]);

export const flattenSchema = z.object({ type: z.literal('flatten'), ...named });
/** Per-sample shape; the batch dimension is implicit. */
export const reshapeSchema = z.object({ type: z.literal('reshape'), shape: z.array(positiveInt).min(1), ...named });
export const upsampleSchema = z.object({ type: z.literal('upsample'), scale: positiveInt, ...named });

export const flatten: LayerRule<Flatten> = {
  infer: ({ inShape }) => ({ outShape: [count(inShape)], params: [] }),
  forward: (g, x, _layer, ctx) => ({ y: toOutShape(g, x, ctx), saved: {} }),
  backward: (g, dy, _layer, _saved, ctx) => ({ dx: toInShape(g, dy, ctx), dParams: [] }),
  // ONNX flattens in C,H,W order, so a channels-last image is brought to channels-first first.
  tfjs: ({ tf, info }) =>
    isImage(info.inShape) ? chain([eager(tf.layers.permute({ dims: [3, 1, 2] })), eager(tf.layers.flatten())]) : eager(tf.layers.flatten()),
};

export const reshape: LayerRule<Reshape> = {
  infer({ layer, inShape, label }) {
    if (count(layer.shape) !== count(inShape)) {
      throw new Error(`${label}: cannot reshape ${fmt(inShape)} (${count(inShape)} values) to ${fmt(layer.shape)} (${count(layer.shape)} values)`);
    }
    return { outShape: [...layer.shape], params: [] };
  },
  forward: (g, x, _layer, ctx) => ({ y: toOutShape(g, x, ctx), saved: {} }),
  backward: (g, dy, _layer, _saved, ctx) => ({ dx: toInShape(g, dy, ctx), dParams: [] }),
  tfjs({ tf, info }, layer) {
    const stages = [];
    if (isImage(info.inShape)) stages.push(eager(tf.layers.permute({ dims: [3, 1, 2] })));
    stages.push(eager(tf.layers.reshape({ targetShape: layer.shape })));
    if (isImage(info.outShape)) stages.push(eager(tf.layers.permute({ dims: [2, 3, 1] })));
    return chain(stages);
  },
};

export const upsample: LayerRule<Upsample> = {
  infer({ layer, inShape, label }) {
    const [c, h, w] = spatialInput(label, inShape);
    return { outShape: [c, h * layer.scale, w * layer.scale], params: [] };
  },
  forward(g, x, { scale }) {
    // asymmetric + floor makes output pixel (y, x) read input (floor(y / scale), floor(x / scale)): plain replication.
    const y = g.op('Resize', [x, '', g.floats([1, 1, scale, scale], 'upsample_scales')], {
      mode: 'nearest',
      coordinate_transformation_mode: 'asymmetric',
      nearest_mode: 'floor',
    });
    return { y, saved: {} };
  },
  backward(g, dy, { scale }, _saved, ctx) {
    // Each input pixel fed a scale x scale block: its gradient is that block's sum.
    const [n, c, h, w] = fullShape(ctx, ctx.info.inShape);
    const blocks = g.op('Reshape', [dy, g.ints([n, c, h, scale, w, scale])]);
    return { dx: g.op('ReduceSum', [blocks, g.ints([3, 5])], { keepdims: 0 }), dParams: [] };
  },
  tfjs({ tf, info, constant }, { scale: s }) {
    // Not tfjs-layers' UpSampling2D: its gradient (ResizeNearestNeighborGrad in tfjs-backend-cpu 4.22)
    // reads dy at the input's batch stride, so every image after the first gets a wrong gradient.
    // Broadcasting each pixel over an s x s block of ones is the same forward, and its gradient is a plain
    // sum (a multiply, because tfjs' broadcastTo gradient stops at rank 4).
    const [c, h, w] = info.inShape;
    const block = constant(tf.ones([1, 1, s, 1, s, 1]));
    return (x) => {
      const n = x.shape[0];
      return tf.reshape(tf.mul(tf.reshape(x, [n, h, 1, w, 1, c]), block), [n, h * s, w * s, c]);
    };
  },
};

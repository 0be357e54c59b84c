import type { GraphBuilder } from '../onnx/graph.ts';
import type { LayerSpec } from '../model/spec.ts';
import type { LayerRule } from './types.ts';
import { positiveOutput, spatialInput, weightAndBias, weightInit } from './shape-rules.ts';
import { z } from 'zod';
import { named, nonNegativeInt, positiveInt } from './schema.ts';
import { chain, eager } from '../engine/tfjs/build.ts';
import { ONNX_FILTER_TO_TFJS } from '../engine/tfjs/layout.ts';

type Conv = Extract<LayerSpec, { type: 'conv2d' }>;
type ConvTranspose = Extract<LayerSpec, { type: 'convTranspose2d' }>;

const NCHW_TO_CNHW = [1, 0, 2, 3];

/**
 * The weight gradient shared by Conv and ConvTranspose, as one Conv over batch-transposed tensors:
 *   out[a, b, i, j] = sum_{n,y,x} small[n, b, y, x] * bigPadded[n, a, stride*y + i, stride*x + j]
 * i.e. `big` (as [A, N, H, W], "images" = channels) correlated with `small` (as [B, N, h, w], the kernel)
 * dilated by the stride. End padding is chosen so the result is exactly kernel x kernel when it can be, so
 * no work is spent on rows that are cropped away. Returns [A, B, kernel, kernel].
 */
function filterCorrelation(
  g: GraphBuilder,
  big: string,
  bigSize: [number, number],
  small: string,
  smallSize: [number, number],
  kernel: number,
  stride: number,
  padding: number,
): string {
  const endPads = [0, 1].map((axis) => kernel + stride * (smallSize[axis] - 1) - bigSize[axis] - padding);
  const corr = g.op('Conv', [g.op('Transpose', [big], { perm: NCHW_TO_CNHW }), g.op('Transpose', [small], { perm: NCHW_TO_CNHW })], {
    dilations: [stride, stride],
    pads: [padding, padding, Math.max(0, endPads[0]), Math.max(0, endPads[1])],
  });
  // A negative end pad means the input reaches past the last tap: the extra output rows are cut off.
  if (endPads.every((p) => p >= 0)) return corr;
  return g.op('Slice', [corr, g.ints([0, 0]), g.ints([kernel, kernel]), g.ints([2, 3])]);
}

const biasGrad = (g: GraphBuilder, dy: string) => g.op('ReduceSum', [dy, g.ints([0, 2, 3])], { keepdims: 0 });

export const conv2dSchema = z.object({ type: z.literal('conv2d'), out: positiveInt, kernel: positiveInt, stride: positiveInt.default(1), padding: nonNegativeInt.default(0), ...named });
export const convTranspose2dSchema = z.object({
  type: z.literal('convTranspose2d'),
  out: positiveInt,
  kernel: positiveInt,
  stride: positiveInt.default(1),
  padding: nonNegativeInt.default(0),
  outputPadding: nonNegativeInt.default(0),
  ...named,
});

export const conv2d: LayerRule<Conv> = {
  infer({ layer, inShape, label, key, following }) {
    const [c, h, w] = spatialInput(label, inShape);
    const { kernel: k, stride: s, padding: p } = layer;
    const size = (d: number) => Math.floor((d + 2 * p - k) / s) + 1;
    if (h + 2 * p < k || w + 2 * p < k) {
      throw new Error(`${label}: kernel ${k} is larger than the padded input ${h + 2 * p}x${w + 2 * p}; the output would be zero-sized`);
    }
    const outShape = positiveOutput(label, [layer.out, size(h), size(w)], `kernel ${k}, stride ${s}, padding ${p}`);
    return { outShape, params: weightAndBias(key, [layer.out, c, k, k], weightInit(c * k * k, layer.out * k * k, following), layer.out) };
  },
  forward(g, x, { kernel, stride, padding }, ctx) {
    const [weight, bias] = ctx.params;
    const y = g.op('Conv', [x, weight, bias], { kernel_shape: [kernel, kernel], strides: [stride, stride], pads: [padding, padding, padding, padding] });
    return { y, saved: { x } };
  },
  backward(g, dy, { kernel, stride, padding }, saved, ctx) {
    const [weight] = ctx.params;
    const [, h, w] = ctx.info.inShape;
    const [, ho, wo] = ctx.info.outShape;
    const dWeight = g.op('Transpose', [filterCorrelation(g, saved.x, [h, w], dy, [ho, wo], kernel, stride, padding)], { perm: NCHW_TO_CNHW });
    // The adjoint of a strided Conv is a ConvTranspose; output_padding restores the rows the stride dropped.
    const dx = ctx.needInputGrad
      ? g.op('ConvTranspose', [dy, weight], {
          kernel_shape: [kernel, kernel],
          strides: [stride, stride],
          pads: [padding, padding, padding, padding],
          output_padding: [(h + 2 * padding - kernel) % stride, (w + 2 * padding - kernel) % stride],
        })
      : undefined;
    return { dx, dParams: [dWeight, biasGrad(g, dy)] };
  },
  tfjs({ tf, info, weighted, bind }, { out, kernel, stride, padding: p }) {
    const [c, h, w] = info.inShape;
    const conv = tf.layers.conv2d({ filters: out, kernelSize: kernel, strides: stride, padding: 'valid' });
    const stage = weighted(conv, [c, h + 2 * p, w + 2 * p]);
    bind(conv, info.params[0], info.params[1], ONNX_FILTER_TO_TFJS);
    // tfjs 'same' pads asymmetrically (more behind); ONNX pads `p` on both sides.
    return p > 0 ? chain([eager(tf.layers.zeroPadding2d({ padding: [[p, p], [p, p]] })), stage]) : stage;
  },
};

export const convTranspose2d: LayerRule<ConvTranspose> = {
  infer({ layer, inShape, label, key, following }) {
    const [c, h, w] = spatialInput(label, inShape);
    const { kernel: k, stride: s, padding: p, outputPadding: op } = layer;
    if (op >= s) throw new Error(`${label}: outputPadding ${op} must be smaller than stride ${s}`);
    const size = (d: number) => (d - 1) * s - 2 * p + k + op;
    const outShape = positiveOutput(label, [layer.out, size(h), size(w)], `kernel ${k}, stride ${s}, padding ${p}, outputPadding ${op}`);
    // Each output pixel sums about (k/s)^2 input pixels per channel: that is the fan-in that keeps the variance.
    const fanIn = Math.max(1, (c * k * k) / (s * s));
    return { outShape, params: weightAndBias(key, [c, layer.out, k, k], weightInit(fanIn, layer.out * k * k, following), layer.out) };
  },
  forward(g, x, { kernel, stride, padding, outputPadding }, ctx) {
    const [weight, bias] = ctx.params;
    const y = g.op('ConvTranspose', [x, weight, bias], {
      kernel_shape: [kernel, kernel],
      strides: [stride, stride],
      pads: [padding, padding, padding, padding],
      output_padding: [outputPadding, outputPadding],
    });
    return { y, saved: { x } };
  },
  backward(g, dy, { kernel, stride, padding }, saved, ctx) {
    const [weight] = ctx.params;
    const [, h, w] = ctx.info.inShape;
    const [, ho, wo] = ctx.info.outShape;
    const dWeight = g.op('Transpose', [filterCorrelation(g, dy, [ho, wo], saved.x, [h, w], kernel, stride, padding)], { perm: NCHW_TO_CNHW });
    // The adjoint of a ConvTranspose is the Conv with the same weight ([in, out, k, k] read as [out', in', k, k]).
    const dx = ctx.needInputGrad
      ? g.op('Conv', [dy, weight], { kernel_shape: [kernel, kernel], strides: [stride, stride], pads: [padding, padding, padding, padding] })
      : undefined;
    return { dx, dParams: [dWeight, biasGrad(g, dy)] };
  },
  tfjs({ tf, info, weighted, bind, variable }, { out, kernel: k, stride: s, padding: p }) {
    const { inShape, outShape } = info;
    // tfjs' 'valid' transposed conv is ONNX's without padding: crop `p` in front and the rest behind;
    // outputPadding beyond `p` leaves rows to zero-pad.
    const full = (d: number) => d * s + Math.max(k - s, 0);
    const behindH = full(inShape[1]) - p - outShape[1];
    const behindW = full(inShape[2]) - p - outShape[2];
    const padded = behindH < 0 || behindW < 0;
    const conv = tf.layers.conv2dTranspose({ filters: out, kernelSize: k, strides: s, padding: 'valid', useBias: !padded });
    const stages = [weighted(conv, inShape)];
    const cropping: [[number, number], [number, number]] = [
      [p, Math.max(behindH, 0)],
      [p, Math.max(behindW, 0)],
    ];
    if (cropping.flat().some((c) => c > 0)) stages.push(eager(tf.layers.cropping2D({ cropping })));
    if (!padded) {
      bind(conv, info.params[0], info.params[1], ONNX_FILTER_TO_TFJS);
      return chain(stages);
    }
    stages.push(eager(tf.layers.zeroPadding2d({ padding: [[0, Math.max(-behindH, 0)], [0, Math.max(-behindW, 0)]] })));
    // ONNX adds the bias to the padded pixels too, so it comes after the padding, as a plain variable:
    // tfjs-layers has no stand-alone bias layer.
    bind(conv, info.params[0], undefined, ONNX_FILTER_TO_TFJS);
    const bias = variable(info.params[1], tf.zeros([out]));
    stages.push((x) => tf.add(x, bias));
    return chain(stages);
  },
};

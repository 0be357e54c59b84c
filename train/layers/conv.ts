import type { GraphBuilder } from '../onnx/graph.ts';
import type { LayerSpec } from '../model/spec.ts';
import type { LayerRule } from './types.ts';

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

export const conv2d: LayerRule<Conv> = {
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
};

export const convTranspose2d: LayerRule<ConvTranspose> = {
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
};

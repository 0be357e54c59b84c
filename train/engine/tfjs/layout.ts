import type { Tensor } from '@tensorflow/tfjs';
import type { Tfjs } from './backend.ts';

/**
 * ONNX keeps images NCHW and filters [out,in,kh,kw] (ConvTranspose: [in,out,kh,kw]); tfjs-layers keeps
 * images NHWC and filters [kh,kw,in,out] (Conv2DTranspose: [kh,kw,out,in]). Both filter kinds therefore
 * map with the same permutation, and Linear ([in,out] + [out]) and biases need none.
 */
export const ONNX_FILTER_TO_TFJS = [2, 3, 1, 0] as const;
export const NCHW_TO_NHWC = [0, 2, 3, 1] as const;
export const NHWC_TO_NCHW = [0, 3, 1, 2] as const;

/** Inverse of a permutation: `permute(permute(x, p), inversePermutation(p))` is `x`. */
export function inversePermutation(perm: readonly number[]): number[] {
  const inverse = new Array<number>(perm.length);
  perm.forEach((axis, i) => (inverse[axis] = i));
  return inverse;
}

export function permuteShape(shape: readonly number[], perm: readonly number[]): number[] {
  return perm.map((axis) => shape[axis]);
}

/** A parameter stored by tfjs in a permuted layout: how to move values between the two layouts. */
export interface ParamLayout {
  /** Shape in the ONNX graphs (the project-wide convention). */
  onnxShape: number[];
  /** ONNX axis order as tfjs stores it, or null when the layouts agree. */
  toTfjs: readonly number[] | null;
}

export function tfjsShape(layout: ParamLayout): number[] {
  return layout.toTfjs ? permuteShape(layout.onnxShape, layout.toTfjs) : [...layout.onnxShape];
}

/** ONNX-layout values to a tfjs tensor in tfjs layout (caller disposes). */
export function onnxToTfjs(tf: Tfjs, layout: ParamLayout, values: Float32Array): Tensor {
  return tf.tidy(() => {
    const tensor = tf.tensor(values, layout.onnxShape, 'float32');
    return layout.toTfjs ? tf.transpose(tensor, [...layout.toTfjs]) : tensor;
  });
}

/** A tfjs-layout tensor (e.g. a weight or its gradient) back to ONNX-layout values, as a fresh copy. */
export function tfjsToOnnx(tf: Tfjs, layout: ParamLayout, tensor: Tensor): Float32Array {
  const toTfjs = layout.toTfjs;
  if (!toTfjs) return (tensor.dataSync() as Float32Array).slice();
  const permuted = tf.tidy(() => tf.transpose(tensor, inversePermutation(toTfjs)));
  // The cpu backend hands out its own buffer; copy so callers may mutate the result.
  const data = (permuted.dataSync() as Float32Array).slice();
  permuted.dispose();
  return data;
}

import type { Tensor, layers } from '@tensorflow/tfjs';
import type { LayerInfo, ParamInfo } from '../../model/shapes.ts';
import type { Tfjs } from './backend.ts';

export interface ForwardContext {
  training: boolean;
  /** Fed-in randomness by training-graph input name (see `randomInputs`), already in tfjs layout. */
  random: Map<string, Tensor>;
  /** Outputs of named layers, collected for the sparsity penalty. */
  activations: Map<string, Tensor>;
}

/** One layer of the tfjs reference model, applied eagerly to concrete tensors. */
export type Stage = (x: Tensor, ctx: ForwardContext) => Tensor;

/**
 * What a layer row's `tfjs` build may use of the tfjs model it is added to (train/engine/tfjs/model.ts):
 * images run channels-last there (tfjs-layers' layout), so rows build for NHWC and bind their weights in
 * ONNX layout through `bind`.
 */
export interface TfjsBuild {
  tf: Tfjs;
  info: LayerInfo;
  /** Builds a layer with weights now, so they exist before parameters are loaded; `inShape` is ONNX-style per sample. */
  weighted(layer: layers.Layer, inShape: number[]): Stage;
  /** Binds a built layer's kernel (permuted by `toTfjs`, or as is) and bias to the project's parameter names. */
  bind(layer: layers.Layer, weight: ParamInfo, bias: ParamInfo | undefined, toTfjs: readonly number[] | null): void;
  /** A parameter held by a plain tfjs variable (no tfjs-layers layer has it). */
  variable(param: ParamInfo, initial: Tensor): Tensor;
  /** A constant freed with the model. */
  constant(value: Tensor): Tensor;
  /** The fed-in random input `name` of a training forward pass, checked against `shape`. */
  random(ctx: ForwardContext, name: string, shape: number[]): Tensor;
}

/** A tensor tfjs keeps per sample: images as [H,W,C] (tfjs-layers' channelsLast), everything else as in ONNX. */
export const isImage = (shape: number[]) => shape.length === 3;

/** A weightless tfjs-layers layer applied eagerly. */
export const eager =
  (layer: layers.Layer): Stage =>
  (x) =>
    layer.apply(x) as Tensor;

export const chain =
  (stages: Stage[]): Stage =>
  (x, ctx) =>
    stages.reduce((value, stage) => stage(value, ctx), x);

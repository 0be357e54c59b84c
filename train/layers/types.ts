import type { GraphBuilder } from '../onnx/graph.ts';
import type { LayerInfo } from '../model/shapes.ts';
import type { LayerSpec } from '../model/spec.ts';
import type { InferInput, Inferred } from './shape-rules.ts';
import type { Stage, TfjsBuild } from '../engine/tfjs/build.ts';

export type Batch = number | string;

/** A tensor of fresh randomness the caller feeds each step, so a run repeats exactly from its seed. */
export interface RandomInput {
  name: string;
  /** Full shape, batch first. */
  shape: number[];
  /**
   * 'normal': standard normal draws (mean 0, variance 1); the graph scales them by `std` itself.
   * 'keepMask': 1 with probability 1 - rate, else 0; the graph rescales kept values by 1 / (1 - rate).
   */
  kind: 'normal' | 'keepMask';
  rate?: number;
  std?: number;
}

export interface LayerContext {
  info: LayerInfo;
  /** Leading dimension of every activation: a number in training graphs, a symbolic name in inference graphs. */
  batch: Batch;
  /** Graph values holding this layer's parameters, in `info.params` order. */
  params: string[];
  /** Training graphs apply dropout and noise; inference graphs pass values through. */
  training: boolean;
  /** Declares a random graph input (training only) and returns its value. */
  randomInput(suffix: string, kind: RandomInput['kind'], options?: { rate?: number; std?: number }): string;
  /** Whether the input depends on a parameter: only then is d loss / d input wanted (never for the image). */
  needInputGrad: boolean;
}

/** Values the forward emission keeps for the backward one. */
export type Saved = Record<string, string>;

/**
 * One row of the layer table: everything the trainer knows about a layer type, side by side — its shape
 * inference and parameters, its forward emission, its backward emission, and its build in the tfjs
 * reference engine (its declaration schema sits beside the rule in the same file).
 */
export interface LayerRule<L extends LayerSpec = LayerSpec> {
  /** Output shape (per sample) and parameters; throws naming `label` when the input does not fit. */
  infer(input: InferInput<L>): Inferred;
  forward(g: GraphBuilder, x: string, layer: L, ctx: LayerContext): { y: string; saved: Saved };
  /** `dx` is undefined when `ctx.needInputGrad` is false; `dParams` follows `ctx.params`. */
  backward(g: GraphBuilder, dy: string, layer: L, saved: Saved, ctx: LayerContext): { dx?: string; dParams: string[] };
  /** The same layer in the tfjs reference engine, channels-last, with the same parameters. */
  tfjs(build: TfjsBuild, layer: L): Stage;
}

export type LayerTable = { [T in LayerSpec['type']]: LayerRule<Extract<LayerSpec, { type: T }>> };

/** Full static shape of an activation in a training graph (batch first). */
export function fullShape(ctx: LayerContext, perSample: number[]): number[] {
  if (typeof ctx.batch !== 'number') throw new Error(`${ctx.info.label}: a static batch size is needed here`);
  return [ctx.batch, ...perSample];
}

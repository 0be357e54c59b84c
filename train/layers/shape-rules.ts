import type { LayerSpec } from '../model/spec.ts';
import type { InitRule, ParamInfo } from '../model/shapes.ts';

/** What a layer row's shape inference is told: its declaration, per-sample input, names, and what follows it. */
export interface InferInput<L extends LayerSpec = LayerSpec> {
  layer: L;
  inShape: number[];
  /** For messages: `decoder[3] (convTranspose2d)`. */
  label: string;
  /** Prefix of parameter names, e.g. `encoder.0.conv2d`. */
  key: string;
  /** The layers after this one in its section (the init rule depends on the next activation). */
  following: LayerSpec[];
}

export interface Inferred {
  outShape: number[];
  params: ParamInfo[];
}

export const count = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
export const fmt = (shape: number[]) => `[${shape.join(', ')}]`;

/** Slope of the rectifier that follows a weight layer (He init's gain), or undefined for Xavier. */
function rectifierSlope(following: LayerSpec[]): number | undefined {
  // Dropout and noise keep the scale, so the activation after them is the one that counts.
  const next = following.find((l) => l.type !== 'dropout' && l.type !== 'gaussianNoise');
  if (next?.type === 'relu' || next?.type === 'elu') return 0;
  if (next?.type === 'leakyRelu') return next.alpha;
  return undefined;
}

/** He-normal before a rectifier, Xavier-uniform otherwise. */
export function weightInit(fanIn: number, fanOut: number, following: LayerSpec[]): InitRule {
  const slope = rectifierSlope(following);
  return slope === undefined ? { kind: 'xavier', fanIn, fanOut } : { kind: 'he', fanIn, slope };
}

/** A weight and a zero-initialized bias, named after the layer. */
export function weightAndBias(key: string, weightShape: number[], init: InitRule, biasSize: number): ParamInfo[] {
  return [
    { name: `${key}.weight`, shape: weightShape, init },
    { name: `${key}.bias`, shape: [biasSize], init: { kind: 'zeros' } },
  ];
}

export function spatialInput(label: string, shape: number[]): [number, number, number] {
  if (shape.length !== 3) {
    throw new Error(`${label}: needs a [channels, height, width] input, got ${fmt(shape)}${shape.length === 1 ? ' (add a reshape before it)' : ''}`);
  }
  return shape as [number, number, number];
}

export function positiveOutput(label: string, shape: number[], why: string): number[] {
  if (shape.some((d) => !(d >= 1))) throw new Error(`${label}: output ${fmt(shape)} has a zero-sized dimension (${why})`);
  return shape;
}

/** Shape inference of every layer that keeps its input's shape and has no parameters. */
export const sameShape = ({ inShape }: InferInput): Inferred => ({ outShape: [...inShape], params: [] });

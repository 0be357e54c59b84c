import { inferShapes, type ModelShapes } from '../model/shapes.ts';
import type { ModelSpec } from '../model/spec.ts';
import { GraphBuilder } from '../onnx/graph.ts';
import { assertValidModel } from '../onnx/check.ts';
import { vaeMean } from '../layers/vae.ts';
import { toFloat16Bits } from './float16.ts';
import { quantizeRows } from './int8.ts';
import { emitLayers, vaeParamValues, type EmitOptions } from './emit.ts';
import { Program } from './program.ts';

/**
 * How exported weights are stored. float16 and int8 are cast back to float32 inside the graph (onnxruntime folds
 * the cast at session creation), so the interface and the arithmetic stay float32: float16 halves the file, int8
 * quarters the weight matrices (biases stay float32; they are a few hundred values and their error is not).
 */
export type WeightStorage = 'float32' | 'float16' | 'int8';

export interface InferenceOptions {
  weights?: WeightStorage;
}

const BATCH = 'N';

/** Adds the weights of `names` as initializers; returns how the layers reach them. */
function weights(g: GraphBuilder, shapes: ModelShapes, params: Map<string, Float32Array>, names: string[], storage: WeightStorage): EmitOptions {
  const shapeOf = new Map(shapes.params.map((p) => [p.name, p.shape]));
  for (const name of names) {
    const values = params.get(name);
    const shape = shapeOf.get(name)!;
    const expected = shape.reduce((a, b) => a * b, 1);
    if (!values) throw new Error(`parameter ${name} is missing`);
    if (values.length !== expected) throw new Error(`parameter ${name} has ${values.length} values, shape [${shape}] needs ${expected}`);
    if (!values.every(Number.isFinite)) throw new Error(`parameter ${name} holds a non-finite value`);
    if (storage === 'float16') g.op('Cast', [g.initializer(`${name}.float16`, 'float16', shape, toFloat16Bits(values))], { to: 1 }, name);
    else if (storage === 'int8' && shape.length >= 2) {
      const { values: q, scales } = quantizeRows(values, shape[0]);
      const scale = g.initializer(`${name}.scale`, 'float32', [shape[0], ...shape.slice(1).map(() => 1)], scales);
      g.op('Mul', [g.op('Cast', [g.initializer(`${name}.int8`, 'int8', shape, q)], { to: 1 }), scale], {}, name);
    } else g.initializer(name, 'float32', shape, values);
  }
  return { batch: BATCH, training: false, paramValue: (name) => name };
}

function finish(g: GraphBuilder, what: string): Uint8Array {
  const bytes = g.serialize();
  assertValidModel(bytes, what);
  return bytes;
}

/** Encodes through the VAE head's mean. */
function emitEncoder(g: GraphBuilder, shapes: ModelShapes, image: string, options: EmitOptions): string {
  const features = emitLayers(new Program(g), shapes.encoder, image, options);
  return shapes.vae ? vaeMean(g, features, vaeParamValues(shapes, options.paramValue)) : features;
}

const encoderParamNames = (shapes: ModelShapes) => [
  ...shapes.encoder.flatMap((l) => l.params.map((p) => p.name)),
  ...(shapes.vae ? [shapes.vae.mean.weight.name, shapes.vae.mean.bias.name] : []),
];
const decoderParamNames = (shapes: ModelShapes) => shapes.decoder.flatMap((l) => l.params.map((p) => p.name));

/** `image` [N, C, H, W] float32 -> `latent` [N, D] (a VAE's posterior mean). */
export function buildEncoderGraph(spec: ModelSpec, params: Map<string, Float32Array>, { weights: storage = 'float32' }: InferenceOptions = {}): Uint8Array {
  const shapes = inferShapes(spec);
  const g = new GraphBuilder(`${spec.name}_encoder`);
  const image = g.input('image', 'float32', [BATCH, ...spec.input]);
  const options = weights(g, shapes, params, encoderParamNames(shapes), storage);
  g.output(g.rename(emitEncoder(g, shapes, image, options), 'latent'), 'float32', [BATCH, shapes.latentDim]);
  return finish(g, `encoder graph of ${spec.name}`);
}

/** `latent` [N, D] float32 -> `image` [N, C, H, W]. */
export function buildDecoderGraph(spec: ModelSpec, params: Map<string, Float32Array>, { weights: storage = 'float32' }: InferenceOptions = {}): Uint8Array {
  const shapes = inferShapes(spec);
  const g = new GraphBuilder(`${spec.name}_decoder`);
  const latent = g.input('latent', 'float32', [BATCH, shapes.latentDim]);
  const options = weights(g, shapes, params, decoderParamNames(shapes), storage);
  g.output(g.rename(emitLayers(new Program(g), shapes.decoder, latent, options), 'image'), 'float32', [BATCH, ...spec.input]);
  return finish(g, `decoder graph of ${spec.name}`);
}

/** `image` -> `reconstruction`, through the code (a VAE's mean): inference-mode reconstruction in one session. */
export function buildForwardGraph(spec: ModelSpec, params: Map<string, Float32Array>, { weights: storage = 'float32' }: InferenceOptions = {}): Uint8Array {
  const shapes = inferShapes(spec);
  const g = new GraphBuilder(`${spec.name}_forward`);
  const image = g.input('image', 'float32', [BATCH, ...spec.input]);
  const options = weights(g, shapes, params, [...encoderParamNames(shapes), ...decoderParamNames(shapes)], storage);
  const code = emitEncoder(g, shapes, image, options);
  g.output(g.rename(emitLayers(new Program(g), shapes.decoder, code, options), 'reconstruction'), 'float32', [BATCH, ...spec.input]);
  return finish(g, `forward graph of ${spec.name}`);
}

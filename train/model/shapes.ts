import { Random } from '#core/random.ts';
import { layerRule } from '../layers/table.ts';
import { count, fmt } from '../layers/shape-rules.ts';
import type { LayerSpec, ModelSpec } from './spec.ts';

export type Section = 'encoder' | 'decoder';

/** How a weight is drawn: He-normal before a rectifier, Xavier-uniform otherwise; biases start at zero. */
export type InitRule = { kind: 'he'; fanIn: number; slope: number } | { kind: 'xavier'; fanIn: number; fanOut: number } | { kind: 'zeros' };

export interface ParamInfo {
  /** Stable, readable name, e.g. `encoder.0.conv2d.weight`; also the training graph's input name. */
  name: string;
  shape: number[];
  init: InitRule;
}

export interface LayerInfo {
  section: Section;
  index: number;
  layer: LayerSpec;
  /** For messages: `decoder[3] (convTranspose2d)` or `encoder[5] "code" (linear)`. */
  label: string;
  /** Prefix of this layer's parameter names and graph values, e.g. `encoder.0.conv2d`. */
  key: string;
  /** Per-sample shapes; the batch dimension is implicit. */
  inShape: number[];
  outShape: number[];
  params: ParamInfo[];
}

export interface VaeInfo {
  features: number;
  latentDim: number;
  mean: { weight: ParamInfo; bias: ParamInfo };
  logvar: { weight: ParamInfo; bias: ParamInfo };
}

export interface ModelShapes {
  encoder: LayerInfo[];
  decoder: LayerInfo[];
  vae?: VaeInfo;
  /** Width of the code the decoder reads (the VAE's latentDim, else the encoder's output). */
  latentDim: number;
  /** Every parameter, in a fixed order (encoder, VAE head, decoder). */
  params: ParamInfo[];
  /** The layer whose output carries the sparsity penalty, when the loss has one. */
  sparsityLayer?: LayerInfo;
}

export function layerLabel(section: Section, index: number, layer: LayerSpec): string {
  return `${section}[${index}]${layer.name ? ` "${layer.name}"` : ''} (${layer.type})`;
}

/** Shapes and parameters of a sequence of layers from `inShape`, each from its row of the layer table. */
export function inferLayers(section: Section, layers: LayerSpec[], inShape: number[]): LayerInfo[] {
  const infos: LayerInfo[] = [];
  let shape = inShape;
  layers.forEach((layer, index) => {
    const label = layerLabel(section, index, layer);
    const key = `${section}.${index}.${layer.type}`;
    const { outShape, params } = layerRule(layer).infer({ layer, inShape: shape, label, key, following: layers.slice(index + 1) });
    infos.push({ section, index, layer, label, key, inShape: shape, outShape, params });
    shape = outShape;
  });
  return infos;
}

/** Shapes and parameters of every layer; throws an error naming the first layer that does not fit. */
export function inferShapes(spec: ModelSpec): ModelShapes {
  const encoder = inferLayers('encoder', spec.encoder, [...spec.input]);
  const encoded = encoder[encoder.length - 1];
  if (encoded.outShape.length !== 1) {
    throw new Error(`${encoded.label}: the encoder must end in a flat code, got ${fmt(encoded.outShape)} (end it with flatten or linear)`);
  }
  const features = encoded.outShape[0];
  let vae: VaeInfo | undefined;
  let latentDim = features;
  if (spec.vae) {
    latentDim = spec.vae.latentDim;
    const head = (part: 'mean' | 'logvar') => ({
      weight: { name: `vae.${part}.weight`, shape: [features, latentDim], init: { kind: 'xavier', fanIn: features, fanOut: latentDim } } satisfies ParamInfo,
      bias: { name: `vae.${part}.bias`, shape: [latentDim], init: { kind: 'zeros' } } satisfies ParamInfo,
    });
    vae = { features, latentDim, mean: head('mean'), logvar: head('logvar') };
  }
  const decoder = inferLayers('decoder', spec.decoder, [latentDim]);
  const decoded = decoder[decoder.length - 1];
  if (fmt(decoded.outShape) !== fmt(spec.input)) {
    throw new Error(`${decoded.label}: the decoder must reproduce the input shape ${fmt(spec.input)}, got ${fmt(decoded.outShape)}`);
  }

  const all = [...encoder, ...decoder];
  const seen = new Map<string, LayerInfo>();
  for (const info of all) {
    const name = info.layer.name;
    if (!name) continue;
    const other = seen.get(name);
    if (other) throw new Error(`${info.label}: layer name "${name}" is already used by ${other.label}`);
    seen.set(name, info);
  }
  let sparsityLayer: LayerInfo | undefined;
  const sparsity = spec.loss.sparsity;
  if (sparsity) {
    sparsityLayer = seen.get(sparsity.layer);
    if (!sparsityLayer) {
      const known = [...seen.keys()];
      throw new Error(`loss.sparsity.layer: no layer is named "${sparsity.layer}"; named layers: ${known.length ? known.join(', ') : 'none (give a layer a name)'}`);
    }
  }

  const params = [
    ...encoder.flatMap((l) => l.params),
    ...(vae ? [vae.mean.weight, vae.mean.bias, vae.logvar.weight, vae.logvar.bias] : []),
    ...decoder.flatMap((l) => l.params),
  ];
  return { encoder, decoder, vae, latentDim, params, sparsityLayer };
}

/** Parameter names and shapes in their fixed order. */
export function paramShapes(spec: ModelSpec): { name: string; shape: number[] }[] {
  return inferShapes(spec).params.map(({ name, shape }) => ({ name, shape }));
}

/** Fresh parameters drawn from `seed`: the same seed gives the same weights on every engine. */
export function initParams(spec: ModelSpec, seed: number): Map<string, Float32Array> {
  return drawParams(inferShapes(spec).params, seed);
}

/** Draws each parameter by its init rule, in the given order, from one generator seeded with `seed`. */
export function drawParams(infos: ParamInfo[], seed: number): Map<string, Float32Array> {
  const random = Random.fromSeed(seed);
  const params = new Map<string, Float32Array>();
  for (const { name, shape, init } of infos) {
    const values = new Float32Array(count(shape));
    if (init.kind === 'he') {
      const std = Math.sqrt(2 / ((1 + init.slope ** 2) * init.fanIn));
      for (let i = 0; i < values.length; i++) values[i] = std * random.normal();
    } else if (init.kind === 'xavier') {
      const limit = Math.sqrt(6 / (init.fanIn + init.fanOut));
      for (let i = 0; i < values.length; i++) values[i] = limit * (2 * random.uniform() - 1);
    }
    params.set(name, values);
  }
  return params;
}

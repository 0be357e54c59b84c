import { Random } from '#core/random.ts';
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

const count = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
const fmt = (shape: number[]) => `[${shape.join(', ')}]`;

export function layerLabel(section: Section, index: number, layer: LayerSpec): string {
  return `${section}[${index}]${layer.name ? ` "${layer.name}"` : ''} (${layer.type})`;
}

/** Slope of the rectifier that follows a weight layer (He init's gain), or undefined for Xavier. */
function rectifierSlope(following: LayerSpec[]): number | undefined {
  // Dropout and noise keep the scale, so the activation after them is the one that counts.
  const next = following.find((l) => l.type !== 'dropout' && l.type !== 'gaussianNoise');
  if (next?.type === 'relu' || next?.type === 'elu') return 0;
  if (next?.type === 'leakyRelu') return next.alpha;
  return undefined;
}

function weightInit(fanIn: number, fanOut: number, following: LayerSpec[]): InitRule {
  const slope = rectifierSlope(following);
  return slope === undefined ? { kind: 'xavier', fanIn, fanOut } : { kind: 'he', fanIn, slope };
}

function spatialInput(label: string, shape: number[]): [number, number, number] {
  if (shape.length !== 3) {
    throw new Error(`${label}: needs a [channels, height, width] input, got ${fmt(shape)}${shape.length === 1 ? ' (add a reshape before it)' : ''}`);
  }
  return shape as [number, number, number];
}

function positiveOutput(label: string, shape: number[], why: string): number[] {
  if (shape.some((d) => !(d >= 1))) throw new Error(`${label}: output ${fmt(shape)} has a zero-sized dimension (${why})`);
  return shape;
}

/** Output shape and parameters of one layer, given its per-sample input shape. */
function inferLayer(layer: LayerSpec, inShape: number[], label: string, key: string, following: LayerSpec[]): { outShape: number[]; params: ParamInfo[] } {
  switch (layer.type) {
    case 'conv2d': {
      const [c, h, w] = spatialInput(label, inShape);
      const { kernel: k, stride: s, padding: p } = layer;
      const size = (d: number) => Math.floor((d + 2 * p - k) / s) + 1;
      if (h + 2 * p < k || w + 2 * p < k) {
        throw new Error(`${label}: kernel ${k} is larger than the padded input ${h + 2 * p}x${w + 2 * p}; the output would be zero-sized`);
      }
      const outShape = positiveOutput(label, [layer.out, size(h), size(w)], `kernel ${k}, stride ${s}, padding ${p}`);
      return {
        outShape,
        params: [
          { name: `${key}.weight`, shape: [layer.out, c, k, k], init: weightInit(c * k * k, layer.out * k * k, following) },
          { name: `${key}.bias`, shape: [layer.out], init: { kind: 'zeros' } },
        ],
      };
    }
    case 'convTranspose2d': {
      const [c, h, w] = spatialInput(label, inShape);
      const { kernel: k, stride: s, padding: p, outputPadding: op } = layer;
      if (op >= s) throw new Error(`${label}: outputPadding ${op} must be smaller than stride ${s}`);
      const size = (d: number) => (d - 1) * s - 2 * p + k + op;
      const outShape = positiveOutput(label, [layer.out, size(h), size(w)], `kernel ${k}, stride ${s}, padding ${p}, outputPadding ${op}`);
      // Each output pixel sums about (k/s)^2 input pixels per channel: that is the fan-in that keeps the variance.
      const fanIn = Math.max(1, (c * k * k) / (s * s));
      return {
        outShape,
        params: [
          { name: `${key}.weight`, shape: [c, layer.out, k, k], init: weightInit(fanIn, layer.out * k * k, following) },
          { name: `${key}.bias`, shape: [layer.out], init: { kind: 'zeros' } },
        ],
      };
    }
    case 'linear': {
      if (inShape.length !== 1) throw new Error(`${label}: needs a flat input, got ${fmt(inShape)} (add a flatten before it)`);
      const [n] = inShape;
      return {
        outShape: [layer.out],
        params: [
          { name: `${key}.weight`, shape: [n, layer.out], init: weightInit(n, layer.out, following) },
          { name: `${key}.bias`, shape: [layer.out], init: { kind: 'zeros' } },
        ],
      };
    }
    case 'flatten':
      return { outShape: [count(inShape)], params: [] };
    case 'reshape':
      if (count(layer.shape) !== count(inShape)) {
        throw new Error(`${label}: cannot reshape ${fmt(inShape)} (${count(inShape)} values) to ${fmt(layer.shape)} (${count(layer.shape)} values)`);
      }
      return { outShape: [...layer.shape], params: [] };
    case 'upsample': {
      const [c, h, w] = spatialInput(label, inShape);
      return { outShape: [c, h * layer.scale, w * layer.scale], params: [] };
    }
    case 'relu':
    case 'leakyRelu':
    case 'elu':
    case 'sigmoid':
    case 'tanh':
    case 'dropout':
    case 'gaussianNoise':
      return { outShape: [...inShape], params: [] };
  }
}

function inferSection(section: Section, layers: LayerSpec[], inShape: number[]): LayerInfo[] {
  const infos: LayerInfo[] = [];
  let shape = inShape;
  layers.forEach((layer, index) => {
    const label = layerLabel(section, index, layer);
    const key = `${section}.${index}.${layer.type}`;
    const { outShape, params } = inferLayer(layer, shape, label, key, layers.slice(index + 1));
    infos.push({ section, index, layer, label, key, inShape: shape, outShape, params });
    shape = outShape;
  });
  return infos;
}

/** Shapes and parameters of every layer; throws an error naming the first layer that does not fit. */
export function inferShapes(spec: ModelSpec): ModelShapes {
  const encoder = inferSection('encoder', spec.encoder, [...spec.input]);
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
  const decoder = inferSection('decoder', spec.decoder, [latentDim]);
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
  const random = Random.fromSeed(seed);
  const params = new Map<string, Float32Array>();
  for (const { name, shape, init } of inferShapes(spec).params) {
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

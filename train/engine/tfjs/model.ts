import type { LayerVariable, Tensor, Variable, layers } from '@tensorflow/tfjs';
import { inferShapes, type LayerInfo, type ModelShapes, type ParamInfo } from '../../model/shapes.ts';
import type { ModelSpec } from '../../model/spec.ts';
import type { RandomInput } from '../../layers/types.ts';
import type { Tfjs } from './backend.ts';
import { NCHW_TO_NHWC, NHWC_TO_NCHW, ONNX_FILTER_TO_TFJS, type ParamLayout } from './layout.ts';

/** One parameter as the project names it (train/model/shapes.ts), bound to the tfjs weight holding it. */
export interface ParamBinding extends ParamLayout {
  name: string;
  variable: Variable;
}

/** A tensor tfjs keeps per sample: images as [H,W,C] (tfjs-layers' channelsLast), everything else as in ONNX. */
const isImage = (shape: number[]) => shape.length === 3;

interface ForwardContext {
  training: boolean;
  /** Fed-in randomness by training-graph input name (see `randomInputs`), already in tfjs layout. */
  random: Map<string, Tensor>;
  /** Outputs of named layers, collected for the sparsity penalty. */
  activations: Map<string, Tensor>;
}

type Stage = (x: Tensor, ctx: ForwardContext) => Tensor;

const inferenceContext = (): ForwardContext => ({ training: false, random: new Map(), activations: new Map() });

export interface TrainingOutputs {
  /** NCHW, like the input images. */
  reconstruction: Tensor;
  /** The VAE head's outputs, when the model has one. */
  mean?: Tensor;
  logvar?: Tensor;
  /** Outputs of named layers (tfjs layout), for the sparsity penalty. */
  activations: Map<string, Tensor>;
}

/**
 * The model of a ModelSpec built from tfjs-layers, with plain tfjs ops only where the layers have no
 * equivalent: PyTorch-style symmetric padding (ZeroPadding2D + 'valid'), ConvTranspose's padding and
 * outputPadding (crop, and zero-pad plus a separate bias when outputPadding exceeds padding), ELU with
 * alpha != 1, nearest upsampling (see there), and dropout/noise whose randomness is fed in so results
 * match onnxruntime exactly. Images run channels-last, as tfjs-layers wants; flatten and reshape permute
 * to channels-first around themselves so values land where ONNX puts them. Layers are applied eagerly;
 * `tf.variableGrads` differentiates through them.
 */
export class TfjsModel {
  readonly shapes: ModelShapes;
  readonly params: ParamBinding[] = [];
  /** Constants the stages hold, freed with the parameters by `dispose`. */
  private readonly constants: Tensor[] = [];
  private readonly encoderStages: Stage[];
  private readonly decoderStages: Stage[];
  private readonly vaeHead?: { mean: layers.Layer; logvar: layers.Layer };

  constructor(
    private readonly tf: Tfjs,
    readonly spec: ModelSpec,
  ) {
    this.shapes = inferShapes(spec);
    this.encoderStages = this.shapes.encoder.map((info) => this.buildStage(info));
    const vae = this.shapes.vae;
    if (vae) {
      const head = (part: 'mean' | 'logvar', params: { weight: ParamInfo; bias: ParamInfo }) => {
        const dense = tf.layers.dense({ units: vae.latentDim });
        dense.build([null, vae.features]);
        this.bind(dense, params.weight, params.bias, null);
        return dense;
      };
      this.vaeHead = { mean: head('mean', vae.mean), logvar: head('logvar', vae.logvar) };
    }
    this.decoderStages = this.shapes.decoder.map((info) => this.buildStage(info));
  }

  /** Inference: images NCHW [N,C,H,W] to codes [N, latentDim] (a VAE's posterior mean). */
  encode(images: Tensor): Tensor {
    return this.encodeWith(images, inferenceContext()).code;
  }

  /** Inference: codes [N, latentDim] to images NCHW. */
  decode(code: Tensor): Tensor {
    return this.decodeWith(code, inferenceContext());
  }

  reconstruct(images: Tensor): Tensor {
    const ctx = inferenceContext();
    return this.decodeWith(this.encodeWith(images, ctx).code, ctx);
  }

  /**
   * One training forward pass. `random` holds every input of `randomInputs(batch)` by name, in ONNX
   * layout (NCHW for images), exactly as the onnxruntime training graph is fed.
   */
  trainingForward(images: Tensor, random: Map<string, Tensor>): TrainingOutputs {
    const { tf } = this;
    const ctx: ForwardContext = { training: true, random: new Map(), activations: new Map() };
    for (const [name, value] of random) ctx.random.set(name, value.rank === 4 ? tf.transpose(value, [...NCHW_TO_NHWC]) : value);
    const { code, mean, logvar } = this.encodeWith(images, ctx);
    return { reconstruction: this.decodeWith(code, ctx), mean, logvar, activations: ctx.activations };
  }

  /** Frees the parameters' variables and the model's constants. */
  dispose(): void {
    this.tf.dispose([...this.params.map((p) => p.variable), ...this.constants]);
  }

  private encodeWith(images: Tensor, ctx: ForwardContext): { code: Tensor; mean?: Tensor; logvar?: Tensor } {
    const { tf } = this;
    const features = this.run(this.encoderStages, tf.transpose(images, [...NCHW_TO_NHWC]), ctx);
    if (!this.vaeHead) return { code: features };
    const mean = this.vaeHead.mean.apply(features) as Tensor;
    if (!ctx.training) return { code: mean };
    const logvar = this.vaeHead.logvar.apply(features) as Tensor;
    const eps = this.requireRandom(ctx, VAE_EPS, [features.shape[0], this.shapes.latentDim]);
    // Reparameterization: z = mean + exp(logvar / 2) * eps, with eps fed in.
    const code = tf.add(mean, tf.mul(tf.exp(tf.mul(logvar, 0.5)), eps));
    return { code, mean, logvar };
  }

  private decodeWith(code: Tensor, ctx: ForwardContext): Tensor {
    return this.tf.transpose(this.run(this.decoderStages, code, ctx), [...NHWC_TO_NCHW]);
  }

  /**
   * The randomness one training step is fed, named, shaped (ONNX layout) and ordered exactly as the
   * training graph of train/graphs declares it, so both engines can be fed the same values.
   */
  randomInputs(batch: number): RandomInput[] {
    const inputs: RandomInput[] = [];
    const fromLayer = (info: LayerInfo) => {
      const input = randomInputOf(info, batch);
      if (input) inputs.push(input);
    };
    this.shapes.encoder.forEach(fromLayer);
    if (this.shapes.vae) inputs.push({ name: VAE_EPS, shape: [batch, this.shapes.latentDim], kind: 'normal', std: 1 });
    this.shapes.decoder.forEach(fromLayer);
    return inputs;
  }

  private run(stages: Stage[], x: Tensor, ctx: ForwardContext): Tensor {
    return stages.reduce((value, stage) => stage(value, ctx), x);
  }

  private requireRandom(ctx: ForwardContext, key: string, shape: number[]): Tensor {
    const value = ctx.random.get(key);
    if (!value) throw new Error(`tfjs model: training needs the random input for ${key}`);
    if (value.shape.join() !== shape.join()) {
      throw new Error(`tfjs model: random input for ${key} has shape [${value.shape}], expected [${shape}]`);
    }
    return value;
  }

  private bind(layer: layers.Layer, weight: ParamInfo, bias: ParamInfo | undefined, toTfjs: readonly number[] | null): void {
    // LayerVariable.read() is typed as Tensor but returns the tf.Variable behind it, which variableGrads needs.
    const [kernel, biasWeight] = layer.trainableWeights.map((w: LayerVariable) => w.read() as Variable);
    this.params.push({ name: weight.name, onnxShape: weight.shape, toTfjs, variable: kernel });
    if (bias) this.params.push({ name: bias.name, onnxShape: bias.shape, toTfjs: null, variable: biasWeight });
  }

  /** A layer with weights, built now so they exist before the first step (before parameters are loaded). */
  private weighted(layer: layers.Layer, inShape: number[]): Stage {
    layer.build([null, ...(isImage(inShape) ? toHwc(inShape) : inShape)]);
    return eager(layer);
  }

  private chain(stages: Stage[]): Stage {
    return (x, ctx) => this.run(stages, x, ctx);
  }

  private buildStage(info: LayerInfo): Stage {
    const stage = this.buildLayer(info);
    const name = info.layer.name;
    if (!name) return stage;
    return (x, ctx) => {
      const y = stage(x, ctx);
      ctx.activations.set(name, y);
      return y;
    };
  }

  private buildLayer(info: LayerInfo): Stage {
    const { tf } = this;
    const { layer, inShape, outShape } = info;
    switch (layer.type) {
      case 'conv2d': {
        const p = layer.padding;
        const conv = tf.layers.conv2d({ filters: layer.out, kernelSize: layer.kernel, strides: layer.stride, padding: 'valid' });
        const stage = this.weighted(conv, [inShape[0], inShape[1] + 2 * p, inShape[2] + 2 * p]);
        this.bind(conv, info.params[0], info.params[1], ONNX_FILTER_TO_TFJS);
        // tfjs 'same' pads asymmetrically (more behind); ONNX pads `p` on both sides.
        return p > 0 ? this.chain([eager(tf.layers.zeroPadding2d({ padding: [[p, p], [p, p]] })), stage]) : stage;
      }
      case 'convTranspose2d': {
        const { kernel: k, stride: s, padding: p } = layer;
        // tfjs' 'valid' transposed conv is ONNX's without padding: crop `p` in front and the rest behind;
        // outputPadding beyond `p` leaves rows to zero-pad.
        const full = (d: number) => d * s + Math.max(k - s, 0);
        const behindH = full(inShape[1]) - p - outShape[1];
        const behindW = full(inShape[2]) - p - outShape[2];
        const padded = behindH < 0 || behindW < 0;
        const conv = tf.layers.conv2dTranspose({ filters: layer.out, kernelSize: k, strides: s, padding: 'valid', useBias: !padded });
        const stages = [this.weighted(conv, inShape)];
        const cropping: [[number, number], [number, number]] = [
          [p, Math.max(behindH, 0)],
          [p, Math.max(behindW, 0)],
        ];
        if (cropping.flat().some((c) => c > 0)) stages.push(eager(tf.layers.cropping2D({ cropping })));
        if (!padded) {
          this.bind(conv, info.params[0], info.params[1], ONNX_FILTER_TO_TFJS);
          return this.chain(stages);
        }
        stages.push(eager(tf.layers.zeroPadding2d({ padding: [[0, Math.max(-behindH, 0)], [0, Math.max(-behindW, 0)]] })));
        // ONNX adds the bias to the padded pixels too, so it comes after the padding, as a plain variable:
        // tfjs-layers has no stand-alone bias layer.
        this.bind(conv, info.params[0], undefined, ONNX_FILTER_TO_TFJS);
        const bias = tf.variable(tf.zeros([layer.out]), true);
        this.params.push({ name: info.params[1].name, onnxShape: info.params[1].shape, toTfjs: null, variable: bias });
        stages.push((x) => tf.add(x, bias));
        return this.chain(stages);
      }
      case 'linear': {
        const dense = tf.layers.dense({ units: layer.out });
        const stage = this.weighted(dense, inShape);
        this.bind(dense, info.params[0], info.params[1], null);
        return stage;
      }
      case 'flatten':
        // ONNX flattens in C,H,W order, so a channels-last image is brought to channels-first first.
        return isImage(inShape) ? this.chain([eager(tf.layers.permute({ dims: [3, 1, 2] })), eager(tf.layers.flatten())]) : eager(tf.layers.flatten());
      case 'reshape': {
        const stages: Stage[] = [];
        if (isImage(inShape)) stages.push(eager(tf.layers.permute({ dims: [3, 1, 2] })));
        stages.push(eager(tf.layers.reshape({ targetShape: layer.shape })));
        if (isImage(outShape)) stages.push(eager(tf.layers.permute({ dims: [2, 3, 1] })));
        return this.chain(stages);
      }
      case 'upsample': {
        // Not tfjs-layers' UpSampling2D: its gradient (ResizeNearestNeighborGrad in tfjs-backend-cpu 4.22)
        // reads dy at the input's batch stride, so every image after the first gets a wrong gradient.
        // Broadcasting each pixel over an s x s block of ones is the same forward, and its gradient is a plain
        // sum (a multiply, because tfjs' broadcastTo gradient stops at rank 4).
        const s = layer.scale;
        const [c, h, w] = inShape;
        const block = tf.ones([1, 1, s, 1, s, 1]);
        this.constants.push(block);
        return (x) => {
          const n = x.shape[0];
          return tf.reshape(tf.mul(tf.reshape(x, [n, h, 1, w, 1, c]), block), [n, h * s, w * s, c]);
        };
      }
      case 'relu':
        return eager(tf.layers.reLU());
      case 'leakyRelu':
        return eager(tf.layers.leakyReLU({ alpha: layer.alpha }));
      case 'elu': {
        if (layer.alpha === 1) return eager(tf.layers.elu());
        // tfjs-layers' ELU rejects alpha != 1. Written without a comparison: tfjs cannot differentiate through one.
        const alpha = layer.alpha;
        return (x) => tf.add(tf.relu(x), tf.mul(tf.sub(tf.exp(tf.minimum(x, 0)), 1), alpha));
      }
      case 'sigmoid':
        return eager(tf.layers.activation({ activation: 'sigmoid' }));
      case 'tanh':
        return eager(tf.layers.activation({ activation: 'tanh' }));
      case 'dropout': {
        // Inverted dropout: kept values are scaled by 1/(1-rate) so inference needs no rescaling.
        const scale = 1 / (1 - layer.rate);
        const name = randomInputOf(info, 0)!.name;
        return (x, ctx) => (ctx.training ? tf.mul(x, tf.mul(this.requireRandom(ctx, name, x.shape), scale)) : x);
      }
      case 'gaussianNoise': {
        const std = layer.std;
        const name = randomInputOf(info, 0)!.name;
        return (x, ctx) => (ctx.training ? tf.add(x, tf.mul(this.requireRandom(ctx, name, x.shape), std)) : x);
      }
    }
  }
}

const VAE_EPS = 'vae.eps';

/** Mirrors train/layers/stochastic.ts: one input per dropout or noise layer, shaped like its input. */
function randomInputOf(info: LayerInfo, batch: number): RandomInput | undefined {
  const { layer, key, inShape } = info;
  if (layer.type === 'dropout') return { name: `${key}.keep_mask`, shape: [batch, ...inShape], kind: 'keepMask', rate: layer.rate };
  if (layer.type === 'gaussianNoise') return { name: `${key}.noise`, shape: [batch, ...inShape], kind: 'normal', std: layer.std };
  return undefined;
}

const toHwc = ([c, h, w]: number[]) => [h, w, c];

/** A weightless tfjs-layers layer applied eagerly to concrete tensors. */
const eager =
  (layer: layers.Layer): Stage =>
  (x) =>
    layer.apply(x) as Tensor;

import type { LayerVariable, Tensor, Variable, layers } from '@tensorflow/tfjs';
import { inferShapes, type LayerInfo, type ModelShapes, type ParamInfo } from '../../model/shapes.ts';
import type { ModelSpec } from '../../model/spec.ts';
import type { RandomInput } from '../../layers/types.ts';
import type { Tfjs } from './backend.ts';
import { layerRule } from '../../layers/table.ts';
import { eager, isImage, type ForwardContext, type Stage, type TfjsBuild } from './build.ts';
import { NCHW_TO_NHWC, NHWC_TO_NCHW, type ParamLayout } from './layout.ts';

/** One parameter as the project names it (train/model/shapes.ts), bound to the tfjs weight holding it. */
export interface ParamBinding extends ParamLayout {
  name: string;
  variable: Variable;
}

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

  /** The layer's own row of the layer table builds it (train/layers/*: `tfjs`), through this model's helpers. */
  private buildLayer(info: LayerInfo): Stage {
    const build: TfjsBuild = {
      tf: this.tf,
      info,
      weighted: (layer, inShape) => this.weighted(layer, inShape),
      bind: (layer, weight, bias, toTfjs) => this.bind(layer, weight, bias, toTfjs),
      variable: (param, initial) => {
        const variable = this.tf.variable(initial, true);
        this.params.push({ name: param.name, onnxShape: param.shape, toTfjs: null, variable });
        return variable;
      },
      constant: (value) => (this.constants.push(value), value),
      random: (ctx, name, shape) => this.requireRandom(ctx, name, shape),
    };
    return layerRule(info.layer).tfjs(build, info.layer);
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

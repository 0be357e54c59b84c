import * as ort from 'onnxruntime-node';
import { Random } from '#core/random.ts';
import type { RandomInput } from '../layers/types.ts';
import { Adam } from '../optim/adam.ts';
import type { OptimizerConfigInput } from '../optim/config.ts';
import { fillRandom } from './random-inputs.ts';
import { createSession, type SessionSettings } from './ort-session.ts';

export interface TensorSpec {
  name: string;
  shape: number[];
}

/** Any graph one optimizer step runs: the autoencoder's, a classifier's, or what comes next. */
export interface StepGraph {
  bytes: Uint8Array;
  /** Inputs fed from the caller's batch each step (image, labels, ...). */
  data: TensorSpec[];
  params: TensorSpec[];
  /** Output name of d loss / d params[i]. */
  gradients: string[];
  randomInputs: RandomInput[];
  /** Scalar outputs fetched each step; the first is the total the gradients are taken of. */
  losses: string[];
}

export interface StepRunnerOptions {
  initialParams: Map<string, Float32Array>;
  optimizer?: OptimizerConfigInput;
  /** Seeds the random graph inputs (dropout masks, noise). */
  seed: number;
  session: SessionSettings;
  /** Parameters held at their starting values; their gradients are zeroed before the update. */
  frozen?: (name: string) => boolean;
}

const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/**
 * Runs one training graph step after step: every feed (data, parameters, randomness) and every fetch
 * (losses, gradients) is allocated once and bound to an onnxruntime tensor, so onnxruntime reads from and
 * writes into the same buffers on every run; randomness comes from one seeded generator through
 * `fillRandom`; Adam/AdamW update the parameter buffers in place.
 */
export class StepRunner {
  readonly data: Map<string, Float32Array>;
  readonly paramArrays: Float32Array[];
  readonly gradArrays: Float32Array[];
  readonly optimizer: Adam;
  random: Random;
  private readonly randomArrays: Float32Array[];
  private readonly lossArrays: Float32Array[];
  private readonly frozenIndices: number[];
  private readonly feeds: Record<string, ort.Tensor> = {};
  private readonly fetches: Record<string, ort.Tensor> = {};

  private constructor(
    readonly graph: StepGraph,
    readonly session: ort.InferenceSession,
    options: StepRunnerOptions,
  ) {
    if (graph.gradients.length !== graph.params.length) throw new Error(`step runner: ${graph.params.length} parameters but ${graph.gradients.length} gradient outputs`);
    const bind = (target: Record<string, ort.Tensor>, spec: TensorSpec, values = new Float32Array(size(spec.shape))) => {
      target[spec.name] = new ort.Tensor('float32', values, spec.shape);
      return values;
    };
    this.data = new Map(graph.data.map((d) => [d.name, bind(this.feeds, d)]));
    this.paramArrays = graph.params.map((p) => {
      const initial = options.initialParams.get(p.name);
      if (!initial) throw new Error(`step runner: no initial value for parameter "${p.name}"`);
      if (initial.length !== size(p.shape)) throw new Error(`step runner: parameter "${p.name}" has ${initial.length} values, shape [${p.shape}] needs ${size(p.shape)}`);
      return bind(this.feeds, p, Float32Array.from(initial));
    });
    this.randomArrays = graph.randomInputs.map((r) => bind(this.feeds, r));
    this.lossArrays = graph.losses.map((name) => bind(this.fetches, { name, shape: [] }));
    this.gradArrays = graph.gradients.map((name, i) => bind(this.fetches, { name, shape: graph.params[i].shape }));
    this.frozenIndices = graph.params.flatMap((p, i) => (options.frozen?.(p.name) ? [i] : []));
    this.optimizer = new Adam(this.paramArrays.map((a) => a.length), options.optimizer);
    this.random = Random.fromSeed(options.seed);
  }

  static async create(graph: StepGraph, options: StepRunnerOptions): Promise<StepRunner> {
    return new StepRunner(graph, await createSession(graph.bytes, options.session), options);
  }

  /**
   * Forward and backward on what `data` holds now; gradients land in `gradArrays`. Random inputs are
   * drawn, unless `given` supplies them by name. Returns the losses by name, total first.
   */
  async forwardBackward(given?: Map<string, Float32Array>): Promise<Map<string, number>> {
    this.graph.randomInputs.forEach((spec, i) => {
      const values = given?.get(spec.name);
      if (!values) return fillRandom(this.random, spec, this.randomArrays[i]);
      if (values.length !== this.randomArrays[i].length) throw new Error(`step runner: random input "${spec.name}" needs ${this.randomArrays[i].length} values, got ${values.length}`);
      this.randomArrays[i].set(values);
    });
    await this.session.run(this.feeds, this.fetches);
    const losses = new Map(this.graph.losses.map((name, i) => [name, this.lossArrays[i][0]]));
    const total = this.lossArrays[0][0];
    if (!Number.isFinite(total)) throw new Error(`${this.graph.losses[0]} is ${total} at step ${this.optimizer.step + 1}`);
    return losses;
  }

  /** One optimizer update from the last gradients; frozen parameters keep their values (Adam moves nothing whose gradient is always zero). */
  update(): void {
    for (const i of this.frozenIndices) this.gradArrays[i].fill(0);
    this.optimizer.update(this.paramArrays, this.gradArrays);
  }

  async step(): Promise<Map<string, number>> {
    const losses = await this.forwardBackward();
    this.update();
    return losses;
  }

  params(): Map<string, Float32Array> {
    return new Map(this.graph.params.map((p, i) => [p.name, this.paramArrays[i]]));
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}

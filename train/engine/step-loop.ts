import type { InferenceSession, Tensor, TypedTensor } from 'onnxruntime-common';
import { Random } from '#core/random.ts';
import type { TrainingGraph } from '../graphs/training.ts';
import type { RandomInput } from '../layers/types.ts';
import { Adam } from '../optim/adam.ts';
import type { OptimizerConfigInput } from '../optim/config.ts';
import { fillRandom } from './random-inputs.ts';

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

export interface StepLoopOptions {
  initialParams: Map<string, Float32Array>;
  optimizer?: OptimizerConfigInput;
  /** Seeds the random graph inputs (dropout masks, noise). */
  seed: number;
  /** Parameters held at their starting values; their gradients are zeroed before the update. */
  frozen?: (name: string) => boolean;
}

/** Runs the graph once on what the buffers hold now, leaving the losses and gradients in their buffers. */
export interface StepExecutor {
  run(): Promise<void>;
  release(): Promise<void>;
  endProfiling?(): Promise<void>;
}

/** The loop's buffers; `gather` (replicas only) averages the replicas' losses and gradients into `losses` and `grads`. */
export interface StepBuffers {
  data: Map<string, Float32Array>;
  params: Float32Array[];
  random: Float32Array[];
  losses: Float32Array[];
  grads: Float32Array[];
  gather?: () => void;
}

/**
 * The part of onnxruntime's shared API (onnxruntime-common) the loop needs; onnxruntime-node and onnxruntime-web
 * both export it, so the same loop trains in Node and in a browser tab.
 */
export interface OrtApi {
  Tensor: new (type: 'float32', data: Float32Array, dims: readonly number[]) => TypedTensor<'float32'>;
  InferenceSession: { create(bytes: Uint8Array, options?: InferenceSession.SessionOptions): Promise<InferenceSession> };
}

/** The autoencoder's training graph as the step runner sees it: the image is its only data input. */
export function autoencoderStepGraph(graph: TrainingGraph): StepGraph {
  const { total, parts } = graph.losses;
  return { bytes: graph.bytes, data: [graph.image], params: graph.params, gradients: graph.gradients, randomInputs: graph.randomInputs, losses: [total, ...parts.filter((p) => p !== total)] };
}

export const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

export function allocate(graph: StepGraph, initialParams: Map<string, Float32Array>, replicas: number, make: (length: number) => Float32Array): StepBuffers {
  const params = graph.params.map((p) => {
    const initial = initialParams.get(p.name);
    if (!initial) throw new Error(`step runner: no initial value for parameter "${p.name}"`);
    if (initial.length !== size(p.shape)) throw new Error(`step runner: parameter "${p.name}" has ${initial.length} values, shape [${p.shape}] needs ${size(p.shape)}`);
    const values = make(initial.length);
    values.set(initial);
    return values;
  });
  return {
    data: new Map(graph.data.map((d) => [d.name, make(replicas * size(d.shape))])),
    params,
    random: graph.randomInputs.map((r) => make(replicas * size(r.shape))),
    losses: graph.losses.map(() => new Float32Array(1)),
    grads: graph.params.map((p) => new Float32Array(size(p.shape))),
  };
}

export function bindAll(ort: OrtApi, specs: TensorSpec[], arrays: Float32Array[]): Record<string, Tensor> {
  return Object.fromEntries(specs.map((spec, i) => [spec.name, new ort.Tensor('float32', arrays[i], spec.shape)]));
}

const feedSpecs = (graph: StepGraph) => [...graph.data, ...graph.params, ...graph.randomInputs];
const feedArrays = (graph: StepGraph, buffers: StepBuffers) => [...graph.data.map((d) => buffers.data.get(d.name)!), ...buffers.params, ...buffers.random];

/**
 * One session whose outputs are copied into the loop's buffers after each run: onnxruntime-web's wasm backend
 * allocates its outputs itself, so the zero-copy output binding of the Node executor is not available there.
 * The feeds wrap the loop's buffers, so each run reads the current parameters, batch and randomness.
 */
export function copyingExecutor(ort: OrtApi, session: InferenceSession, graph: StepGraph, buffers: StepBuffers): StepExecutor {
  const feeds = bindAll(ort, feedSpecs(graph), feedArrays(graph, buffers));
  const fetches = [...graph.losses, ...graph.gradients];
  const targets = [...buffers.losses, ...buffers.grads];
  return {
    async run() {
      const results = await session.run(feeds, fetches);
      fetches.forEach((name, i) => {
        targets[i].set(results[name].data as Float32Array);
        results[name].dispose();
      });
    },
    release: () => session.release(),
  };
}

/** The zero-copy executor: fetches are bound to the loop's buffers, which onnxruntime-node writes into. */
export function boundExecutor(ort: OrtApi, session: InferenceSession, graph: StepGraph, buffers: StepBuffers): StepExecutor {
  const feeds = bindAll(ort, feedSpecs(graph), feedArrays(graph, buffers));
  const fetchSpecs = [...graph.losses.map((name) => ({ name, shape: [] })), ...graph.gradients.map((name, i) => ({ name, shape: graph.params[i].shape }))];
  const fetches = bindAll(ort, fetchSpecs, [...buffers.losses, ...buffers.grads]);
  return { run: async () => void (await session.run(feeds, fetches)), release: () => session.release(), endProfiling: async () => session.endProfiling() };
}

/**
 * Runs one training graph step after step: every feed (data, parameters, randomness) and every fetch
 * (losses, gradients) lives in one buffer allocated once; randomness comes from one seeded generator through
 * `fillRandom`; Adam/AdamW update the parameter buffers in place. Where the graph runs is the executor's business.
 */
export class StepLoop {
  readonly data: Map<string, Float32Array>;
  readonly paramArrays: Float32Array[];
  readonly gradArrays: Float32Array[];
  readonly optimizer: Adam;
  random: Random;
  private readonly randomArrays: Float32Array[];
  private readonly lossArrays: Float32Array[];
  private readonly frozenIndices: number[];

  constructor(
    readonly graph: StepGraph,
    private readonly buffers: StepBuffers,
    private readonly executor: StepExecutor,
    options: StepLoopOptions,
  ) {
    if (graph.gradients.length !== graph.params.length) throw new Error(`step runner: ${graph.params.length} parameters but ${graph.gradients.length} gradient outputs`);
    ({ data: this.data, params: this.paramArrays, random: this.randomArrays, losses: this.lossArrays, grads: this.gradArrays } = buffers);
    this.frozenIndices = graph.params.flatMap((p, i) => (options.frozen?.(p.name) ? [i] : []));
    this.optimizer = new Adam(this.paramArrays.map((a) => a.length), options.optimizer);
    this.random = Random.fromSeed(options.seed);
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
    await this.executor.run();
    this.buffers.gather?.();
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

  /** Ends onnxruntime's profiler (single session only: replicas are not profiled). */
  async endProfiling(): Promise<void> {
    if (!this.executor.endProfiling) throw new Error('step runner: profiling needs replicas 1');
    await this.executor.endProfiling();
  }

  async release(): Promise<void> {
    await this.executor.release();
  }
}

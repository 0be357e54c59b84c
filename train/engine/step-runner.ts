import { availableParallelism } from 'node:os';
import * as ort from 'onnxruntime-node';
import { Random } from '#core/random.ts';
import type { RandomInput } from '../layers/types.ts';
import { Adam } from '../optim/adam.ts';
import type { OptimizerConfigInput } from '../optim/config.ts';
import { fillRandom } from './random-inputs.ts';
import { createSession, sessionOptions as sessionSettingsOptions, type SessionSettings } from './ort-session.ts';
import { ReplicaPool, type ReplicaInit, type SharedSlice } from './replicas.ts';

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
  /**
   * Data-parallel copies of the graph, each on its own worker thread and core (default 1: one session on
   * this thread). `graph` is then one replica's share: its batch is the step's batch / replicas, the data
   * buffers hold `replicas` such batches back to back, and losses and gradients are the replicas' mean —
   * the full batch's, since every loss is a mean over equal shares.
   */
  replicas?: number;
}

const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/**
 * Runs one training graph step after step: every feed (data, parameters, randomness) and every fetch
 * (losses, gradients) is allocated once and bound to an onnxruntime tensor, so onnxruntime reads from and
 * writes into the same buffers on every run; randomness comes from one seeded generator through
 * `fillRandom`; Adam/AdamW update the parameter buffers in place.
 */
/** Where one run's feeds come from and its fetches go: a session on this thread, or a pool of replicas. */
interface Executor {
  run(): Promise<void>;
  release(): Promise<void>;
  endProfiling?(): Promise<void>;
}

export class StepRunner {
  readonly data: Map<string, Float32Array>;
  readonly paramArrays: Float32Array[];
  readonly gradArrays: Float32Array[];
  readonly optimizer: Adam;
  random: Random;
  private readonly randomArrays: Float32Array[];
  private readonly lossArrays: Float32Array[];
  private readonly frozenIndices: number[];

  private constructor(
    readonly graph: StepGraph,
    private readonly buffers: StepBuffers,
    private readonly executor: Executor,
    options: StepRunnerOptions,
  ) {
    if (graph.gradients.length !== graph.params.length) throw new Error(`step runner: ${graph.params.length} parameters but ${graph.gradients.length} gradient outputs`);
    ({ data: this.data, params: this.paramArrays, random: this.randomArrays, losses: this.lossArrays, grads: this.gradArrays } = buffers);
    this.frozenIndices = graph.params.flatMap((p, i) => (options.frozen?.(p.name) ? [i] : []));
    this.optimizer = new Adam(this.paramArrays.map((a) => a.length), options.optimizer);
    this.random = Random.fromSeed(options.seed);
  }

  static async create(graph: StepGraph, options: StepRunnerOptions): Promise<StepRunner> {
    const replicas = options.replicas ?? 1;
    if (!Number.isInteger(replicas) || replicas < 1) throw new Error(`step runner: replicas must be a positive integer, got ${replicas}`);
    if (replicas === 1) {
      const buffers = allocate(graph, options.initialParams, 1, (n) => new Float32Array(n));
      const session = await createSession(graph.bytes, options.session);
      const feeds = bindAll([...graph.data, ...graph.params, ...graph.randomInputs], [...buffers.data.values(), ...buffers.params, ...buffers.random]);
      const fetches = bindAll([...graph.losses.map((name) => ({ name, shape: [] })), ...graph.gradients.map((name, i) => ({ name, shape: graph.params[i].shape }))], [...buffers.losses, ...buffers.grads]);
      const executor: Executor = { run: async () => void (await session.run(feeds, fetches)), release: () => session.release(), endProfiling: async () => session.endProfiling() };
      return new StepRunner(graph, buffers, executor, options);
    }
    const { buffers, executor } = await startReplicas(graph, options, replicas);
    return new StepRunner(graph, buffers, executor, options);
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

/** The runner's buffers; `gather` (replicas only) averages the replicas' losses and gradients into `losses` and `grads`. */
interface StepBuffers {
  data: Map<string, Float32Array>;
  params: Float32Array[];
  random: Float32Array[];
  losses: Float32Array[];
  grads: Float32Array[];
  gather?: () => void;
}

function allocate(graph: StepGraph, initialParams: Map<string, Float32Array>, replicas: number, make: (length: number) => Float32Array): StepBuffers {
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

function bindAll(specs: TensorSpec[], arrays: Float32Array[]): Record<string, ort.Tensor> {
  return Object.fromEntries(specs.map((spec, i) => [spec.name, new ort.Tensor('float32', arrays[i], spec.shape)]));
}

const shared = (length: number) => new Float32Array(new SharedArrayBuffer(4 * length));
const sliceOf = (array: Float32Array, index: number, length: number): SharedSlice => ({ buffer: array.buffer as SharedArrayBuffer, offset: index * length, length });

/** Shared buffers and one worker per replica: each reads its share of the data and randomness, all read the parameters. */
async function startReplicas(graph: StepGraph, options: StepRunnerOptions, replicas: number): Promise<{ buffers: StepBuffers; executor: Executor }> {
  const buffers = allocate(graph, options.initialParams, replicas, shared);
  const lossOut = graph.losses.map(() => shared(replicas));
  const gradOut = graph.params.map((p) => shared(replicas * size(p.shape)));
  const threads = Math.max(1, Math.floor((options.session.threads ?? availableParallelism()) / replicas));
  const sessionOptions = sessionSettingsOptions({ ...options.session, threads, profilePrefix: undefined });
  const inits: ReplicaInit[] = Array.from({ length: replicas }, (_, k) => ({
    bytes: graph.bytes,
    sessionOptions,
    feeds: [
      ...graph.data.map((d) => ({ ...d, slice: sliceOf(buffers.data.get(d.name)!, k, size(d.shape)) })),
      ...graph.params.map((p, i) => ({ ...p, slice: sliceOf(buffers.params[i], 0, size(p.shape)) })),
      ...graph.randomInputs.map((r, i) => ({ name: r.name, shape: r.shape, slice: sliceOf(buffers.random[i], k, size(r.shape)) })),
    ],
    fetches: [
      ...graph.losses.map((name, i) => ({ name, shape: [], slice: sliceOf(lossOut[i], k, 1) })),
      ...graph.gradients.map((name, i) => ({ name, shape: graph.params[i].shape, slice: sliceOf(gradOut[i], k, size(graph.params[i].shape)) })),
    ],
  }));
  buffers.gather = () => {
    buffers.losses.forEach((out, i) => meanOfReplicas(lossOut[i], replicas, 1, out));
    buffers.grads.forEach((out, i) => meanOfReplicas(gradOut[i], replicas, out.length, out));
  };
  const pool = await ReplicaPool.start(inits);
  return { buffers, executor: { run: () => pool.run(), release: () => pool.close() } };
}

/** out[j] = mean over replicas r of all[r * length + j]. */
function meanOfReplicas(all: Float32Array, replicas: number, length: number, out: Float32Array): Float32Array {
  const scale = 1 / replicas;
  for (let j = 0; j < length; j++) {
    let sum = all[j];
    for (let r = 1; r < replicas; r++) sum += all[r * length + j];
    out[j] = sum * scale;
  }
  return out;
}

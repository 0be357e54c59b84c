import * as ort from 'onnxruntime-node';
import { Random } from '#core/random.ts';
import { buildForwardGraph } from '../graphs/inference.ts';
import { buildTrainingGraph, type TrainingGraph } from '../graphs/training.ts';
import { initParams } from '../model/shapes.ts';
import { runBatched } from './batched.ts';
import { autoencoderStepGraph } from './step-loop.ts';
import { StepRunner } from './step-runner.ts';

export { autoencoderStepGraph } from './step-loop.ts';
import type { Device, EngineOptions, EngineState, GradientResult, StepResult, TrainingEngine } from './engine.ts';
import { latestProfile } from './ort-profile.ts';
import { createSession, type SessionSettings } from './ort-session.ts';

export interface OrtProgram {
  training: TrainingGraph;
  initialParams: Map<string, Float32Array>;
  /**
   * Inference graphs from image to reconstruction with `params` baked in, run one after another (each
   * graph's first output feeds the next graph's first input); their batch dimension must be free.
   */
  inference(params: Map<string, Float32Array>): Uint8Array[];
}

export type OrtEngineOptions = EngineOptions &
  Pick<SessionSettings, 'profilePrefix' | 'spin'> & {
    /** Data-parallel replicas of the training graph, one worker thread each (see StepRunnerOptions.replicas); must divide the batch. */
    replicas?: number;
  };

/** The engine for a model declaration: its training graph at `batch`, He/Xavier init from `seed`. */
export async function createOrtEngine(options: OrtEngineOptions): Promise<OrtEngine> {
  const { spec, batch } = options;
  const replicas = options.replicas ?? 1;
  if (!Number.isInteger(replicas) || replicas < 1 || batch % replicas !== 0) throw new Error(`ort engine: replicas must be a positive integer that divides the batch ${batch}, got ${replicas}`);
  const program: OrtProgram = {
    training: buildTrainingGraph(spec, { batch: batch / replicas }),
    initialParams: initParams(spec, options.seed),
    inference: (params) => [buildForwardGraph(spec, params)],
  };
  return OrtEngine.create(program, options);
}

const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/**
 * The onnxruntime engine: the shared step runner (step-runner.ts) runs forward, loss and backward for a
 * whole batch in one session and Adam in TypeScript, on buffers allocated once.
 */
export class OrtEngine implements TrainingEngine {
  readonly name = 'ort' as const;
  readonly batch: number;
  private readonly paramNames: string[];
  private readonly imageArray: Float32Array;
  private inferenceCache?: { version: number; sessions: ort.InferenceSession[] };
  /** Bumped whenever parameters change, so cached inference sessions know they are stale. */
  private version = 0;
  private busy = false;

  private constructor(
    private readonly program: OrtProgram,
    private readonly runner: StepRunner,
    private readonly settings: SessionSettings,
  ) {
    const graph = program.training;
    this.imageArray = runner.data.get(graph.image.name)!;
    this.batch = this.imageArray.length / size(graph.image.shape.slice(1));
    this.paramNames = graph.params.map((p) => p.name);
  }

  static async create(program: OrtProgram, options: Omit<OrtEngineOptions, 'spec' | 'batch'>): Promise<OrtEngine> {
    const settings: SessionSettings = { device: options.device ?? 'cpu', threads: options.threads, profilePrefix: options.profilePrefix, spin: options.spin };
    const runner = await StepRunner.create(autoencoderStepGraph(program.training), {
      initialParams: program.initialParams,
      optimizer: options.optimizer,
      seed: options.seed,
      session: settings,
      replicas: options.replicas,
    });
    return new OrtEngine(program, runner, settings);
  }

  get device(): Device {
    return this.settings.device;
  }

  async step(images: Float32Array): Promise<StepResult> {
    return this.exclusive(async () => {
      const result = await this.forwardBackward(images);
      this.runner.update();
      this.version++;
      return result;
    });
  }

  async gradients(images: Float32Array, randomInputs?: Map<string, Float32Array>): Promise<GradientResult> {
    const result = await this.exclusive(() => this.forwardBackward(images, randomInputs));
    const gradients = new Map(this.paramNames.map((name, i) => [name, Float32Array.from(this.runner.gradArrays[i])]));
    return { ...result, gradients };
  }

  async reconstruct(images: Float32Array, count: number): Promise<Float32Array> {
    const perImage = size(this.program.training.image.shape.slice(1));
    if (!Number.isInteger(count) || count < 1) throw new Error(`reconstruct: count must be a positive integer, got ${count}`);
    if (images.length !== count * perImage) throw new Error(`reconstruct: ${count} images need ${count * perImage} values, got ${images.length}`);
    let values = images;
    let shape: readonly number[] = this.program.training.image.shape.slice(1);
    for (const session of await this.inferenceSessions()) {
      values = await runBatched(session, values, count, shape, { chunk: this.batch });
      shape = [values.length / count];
    }
    if (values.length !== count * perImage) throw new Error(`reconstruct: the inference graphs return ${values.length / count} values per image, expected ${perImage}`);
    return values;
  }

  params(): Map<string, Float32Array> {
    return this.runner.params();
  }

  state(): EngineState {
    const { optimizer, paramArrays, random } = this.runner;
    const copy = (arrays: Float32Array[]) => new Map(this.paramNames.map((name, i) => [name, Float32Array.from(arrays[i])]));
    return { step: optimizer.step, params: copy(paramArrays), moments: { m: copy(optimizer.m), v: copy(optimizer.v) }, rng: random.state };
  }

  load(state: EngineState): void {
    if (!Number.isInteger(state.step) || state.step < 0) throw new Error(`engine state: step must be a non-negative integer, got ${state.step}`);
    const random = Random.fromState(state.rng);
    const restore = (what: string, source: Map<string, Float32Array>, targets: Float32Array[]) => {
      if (source.size !== this.paramNames.length) throw new Error(`engine state: ${what} has ${source.size} tensors, the model has ${this.paramNames.length}`);
      this.paramNames.forEach((name, i) => {
        const values = source.get(name);
        if (!values) throw new Error(`engine state: ${what} lacks "${name}"`);
        if (values.length !== targets[i].length) throw new Error(`engine state: ${what} "${name}" has ${values.length} values, expected ${targets[i].length}`);
      });
    };
    const { optimizer, paramArrays } = this.runner;
    restore('params', state.params, paramArrays);
    restore('moments.m', state.moments.m, optimizer.m);
    restore('moments.v', state.moments.v, optimizer.v);
    this.paramNames.forEach((name, i) => {
      paramArrays[i].set(state.params.get(name)!);
      optimizer.m[i].set(state.moments.m.get(name)!);
      optimizer.v[i].set(state.moments.v.get(name)!);
    });
    optimizer.step = state.step;
    this.runner.random = random;
    this.version++;
  }

  /** Stops the training session's profiler (enabled by `profilePrefix`) and returns the file it wrote. */
  async endProfiling(): Promise<string | undefined> {
    if (!this.settings.profilePrefix) return undefined;
    await this.runner.endProfiling();
    return latestProfile(this.settings.profilePrefix);
  }

  async dispose(): Promise<void> {
    await this.dropInference();
    await this.runner.release();
  }

  private async exclusive<T>(work: () => Promise<T>): Promise<T> {
    if (this.busy) throw new Error('ort engine: a step is already running; await it before starting another');
    this.busy = true;
    try {
      return await work();
    } finally {
      this.busy = false;
    }
  }

  private async forwardBackward(images: Float32Array, randomInputs?: Map<string, Float32Array>): Promise<StepResult> {
    if (images.length !== this.imageArray.length) {
      throw new Error(`ort engine: a batch of ${this.batch} images needs ${this.imageArray.length} values, got ${images.length}`);
    }
    this.imageArray.set(images);
    const [[, loss], ...rest] = await this.runner.forwardBackward(randomInputs);
    return { loss, parts: Object.fromEntries(rest) };
  }

  private async inferenceSessions(): Promise<ort.InferenceSession[]> {
    if (this.inferenceCache?.version === this.version) return this.inferenceCache.sessions;
    await this.dropInference();
    const version = this.version;
    const graphs = this.program.inference(this.params());
    const sessions: ort.InferenceSession[] = [];
    for (const bytes of graphs) sessions.push(await createSession(bytes, { ...this.settings, profilePrefix: undefined }));
    this.inferenceCache = { version, sessions };
    return sessions;
  }

  private async dropInference(): Promise<void> {
    const cached = this.inferenceCache;
    this.inferenceCache = undefined;
    for (const session of cached?.sessions ?? []) await session.release();
  }
}

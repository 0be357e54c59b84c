import * as ort from 'onnxruntime-node';
import { Random } from '#core/random.ts';
import { buildForwardGraph } from '../graphs/inference.ts';
import { fillRandom } from './random-inputs.ts';
import { buildTrainingGraph, type TrainingGraph } from '../graphs/training.ts';
import { initParams } from '../model/shapes.ts';
import { Adam } from '../optim/adam.ts';
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

export type OrtEngineOptions = EngineOptions & Pick<SessionSettings, 'profilePrefix' | 'spin'>;

/** The engine for a model declaration: its training graph at `batch`, He/Xavier init from `seed`. */
export async function createOrtEngine(options: OrtEngineOptions): Promise<OrtEngine> {
  const { spec, batch } = options;
  const program: OrtProgram = {
    training: buildTrainingGraph(spec, { batch }),
    initialParams: initParams(spec, options.seed),
    inference: (params) => [buildForwardGraph(spec, params)],
  };
  return OrtEngine.create(program, options);
}

const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/**
 * The onnxruntime engine: one session runs forward, loss and backward for a whole batch; Adam runs in
 * TypeScript. Every tensor the hot loop touches (parameters, image, noise, gradients) is allocated once and
 * rewritten in place — onnxruntime reads inputs from and writes fetched outputs into these buffers.
 */
export class OrtEngine implements TrainingEngine {
  readonly name = 'ort' as const;
  readonly batch: number;
  private readonly paramNames: string[];
  private readonly paramArrays: Float32Array[];
  private readonly gradArrays: Float32Array[];
  private readonly imageArray: Float32Array;
  private readonly randomArrays: Float32Array[];
  private readonly feeds: Record<string, ort.Tensor>;
  private readonly fetches: Record<string, ort.Tensor>;
  private readonly lossArrays: { name: string; value: Float32Array }[];
  private random: Random;
  private inferenceCache?: { version: number; sessions: ort.InferenceSession[] };
  /** Bumped whenever parameters change, so cached inference sessions know they are stale. */
  private version = 0;
  private busy = false;

  private constructor(
    private readonly program: OrtProgram,
    private readonly session: ort.InferenceSession,
    private readonly optimizer: Adam,
    private readonly settings: SessionSettings,
    seed: number,
  ) {
    const graph = program.training;
    this.batch = graph.image.shape[0];
    this.random = Random.fromSeed(seed);
    this.paramNames = graph.params.map((p) => p.name);
    this.paramArrays = graph.params.map(({ name, shape }) => {
      const initial = program.initialParams.get(name);
      if (!initial) throw new Error(`ort engine: no initial value for parameter "${name}"`);
      if (initial.length !== size(shape)) throw new Error(`ort engine: parameter "${name}" has ${initial.length} values, shape [${shape}] needs ${size(shape)}`);
      return Float32Array.from(initial);
    });
    this.gradArrays = graph.params.map((p) => new Float32Array(size(p.shape)));
    this.imageArray = new Float32Array(size(graph.image.shape));
    this.randomArrays = graph.randomInputs.map((r) => new Float32Array(size(r.shape)));

    this.feeds = { [graph.image.name]: new ort.Tensor('float32', this.imageArray, graph.image.shape) };
    graph.params.forEach((p, i) => (this.feeds[p.name] = new ort.Tensor('float32', this.paramArrays[i], p.shape)));
    graph.randomInputs.forEach((r, i) => (this.feeds[r.name] = new ort.Tensor('float32', this.randomArrays[i], r.shape)));

    this.lossArrays = [graph.losses.total, ...graph.losses.parts.filter((p) => p !== graph.losses.total)].map((name) => ({ name, value: new Float32Array(1) }));
    this.fetches = {};
    for (const { name, value } of this.lossArrays) this.fetches[name] = new ort.Tensor('float32', value, []);
    graph.gradients.forEach((g, i) => (this.fetches[g] = new ort.Tensor('float32', this.gradArrays[i], graph.params[i].shape)));
  }

  static async create(program: OrtProgram, options: Omit<OrtEngineOptions, 'spec' | 'batch'>): Promise<OrtEngine> {
    const graph = program.training;
    if (graph.gradients.length !== graph.params.length) {
      throw new Error(`ort engine: ${graph.params.length} parameters but ${graph.gradients.length} gradient outputs`);
    }
    const settings: SessionSettings = { device: options.device ?? 'cpu', threads: options.threads, profilePrefix: options.profilePrefix, spin: options.spin };
    const session = await createSession(graph.bytes, settings);
    const sizes = graph.params.map((p) => size(p.shape));
    return new OrtEngine(program, session, new Adam(sizes, options.optimizer), settings, options.seed);
  }

  get device(): Device {
    return this.settings.device;
  }

  async step(images: Float32Array): Promise<StepResult> {
    return this.exclusive(async () => {
      const result = await this.forwardBackward(images);
      this.optimizer.update(this.paramArrays, this.gradArrays);
      this.version++;
      return result;
    });
  }

  async gradients(images: Float32Array, randomInputs?: Map<string, Float32Array>): Promise<GradientResult> {
    const result = await this.exclusive(() => this.forwardBackward(images, randomInputs));
    const gradients = new Map(this.paramNames.map((name, i) => [name, Float32Array.from(this.gradArrays[i])]));
    return { ...result, gradients };
  }

  async reconstruct(images: Float32Array, count: number): Promise<Float32Array> {
    const perImage = size(this.program.training.image.shape.slice(1));
    if (!Number.isInteger(count) || count < 1) throw new Error(`reconstruct: count must be a positive integer, got ${count}`);
    if (images.length !== count * perImage) throw new Error(`reconstruct: ${count} images need ${count * perImage} values, got ${images.length}`);
    const sessions = await this.inferenceSessions();
    const out = new Float32Array(count * perImage);
    const chunk = this.batch;
    for (let start = 0; start < count; start += chunk) {
      const n = Math.min(chunk, count - start);
      let value: ort.Tensor = new ort.Tensor('float32', images.subarray(start * perImage, (start + n) * perImage), [n, ...this.program.training.image.shape.slice(1)]);
      for (const session of sessions) {
        const results = await session.run({ [session.inputNames[0]]: value });
        value = results[session.outputNames[0]] as ort.Tensor;
      }
      if (value.size !== n * perImage) throw new Error(`reconstruct: the inference graphs return ${value.size / n} values per image, expected ${perImage}`);
      out.set(value.data as Float32Array, start * perImage);
    }
    return out;
  }

  params(): Map<string, Float32Array> {
    return new Map(this.paramNames.map((name, i) => [name, this.paramArrays[i]]));
  }

  state(): EngineState {
    const copy = (arrays: Float32Array[]) => new Map(this.paramNames.map((name, i) => [name, Float32Array.from(arrays[i])]));
    return {
      step: this.optimizer.step,
      params: copy(this.paramArrays),
      moments: { m: copy(this.optimizer.m), v: copy(this.optimizer.v) },
      rng: this.random.state,
    };
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
    restore('params', state.params, this.paramArrays);
    restore('moments.m', state.moments.m, this.optimizer.m);
    restore('moments.v', state.moments.v, this.optimizer.v);
    this.paramNames.forEach((name, i) => {
      this.paramArrays[i].set(state.params.get(name)!);
      this.optimizer.m[i].set(state.moments.m.get(name)!);
      this.optimizer.v[i].set(state.moments.v.get(name)!);
    });
    this.optimizer.step = state.step;
    this.random = random;
    this.version++;
  }

  /** Stops the training session's profiler (enabled by `profilePrefix`) and returns the file it wrote. */
  async endProfiling(): Promise<string | undefined> {
    if (!this.settings.profilePrefix) return undefined;
    await this.session.endProfiling();
    return latestProfile(this.settings.profilePrefix);
  }

  async dispose(): Promise<void> {
    await this.dropInference();
    await this.session.release();
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
    this.program.training.randomInputs.forEach((spec, i) => {
      const given = randomInputs?.get(spec.name);
      if (!given) {
        fillRandom(this.random, spec, this.randomArrays[i]);
        return;
      }
      if (given.length !== this.randomArrays[i].length) throw new Error(`ort engine: random input "${spec.name}" needs ${this.randomArrays[i].length} values, got ${given.length}`);
      this.randomArrays[i].set(given);
    });
    await this.session.run(this.feeds, this.fetches);
    const [total, ...rest] = this.lossArrays;
    const loss = total.value[0];
    if (!Number.isFinite(loss)) throw new Error(`ort engine: loss is ${loss} at step ${this.optimizer.step + 1}`);
    const parts: Record<string, number> = {};
    for (const part of rest) parts[part.name] = part.value[0];
    return { loss, parts };
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

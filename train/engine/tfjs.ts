import type { Tensor, Variable } from '@tensorflow/tfjs';
import { Random } from '#core/random.ts';
import { buildDecoderGraph, buildEncoderGraph, type InferenceOptions } from '../graphs/inference.ts';
import type { RandomInput } from '../layers/types.ts';
import { initParams } from '../model/shapes.ts';
import { Adam } from '../optim/adam.ts';
import type { Device, EngineOptions, EngineState, GradientResult, StepResult, TrainingEngine } from './engine.ts';
import { loadTfjs, type Tfjs, type TfjsBackendName } from './tfjs/backend.ts';
import { onnxToTfjs, tfjsToOnnx } from './tfjs/layout.ts';
import { trainingLoss } from './tfjs/loss.ts';
import { TfjsModel, type ParamBinding } from './tfjs/model.ts';
import { fillRandom } from './random-inputs.ts';

const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/**
 * The tfjs engine: the model built from tfjs-layers (train/engine/tfjs/model.ts), gradients from
 * `tf.variableGrads`, and the same Adam as the onnxruntime engine applied in TypeScript. Parameters live
 * as ONNX-layout Float32Arrays (the project's convention, what the optimizer and checkpoints see) and are
 * copied into the tfjs variables, permuted to tfjs' layout, after every update.
 *
 * `device` undefined picks tfjs-node-gpu, else tfjs-node, else pure tfjs (the cpu backend); 'cpu' skips
 * the GPU build; 'cuda' insists on it. `threads` is not applied: the cpu backend is single-threaded and
 * tfjs-node sizes its own pool.
 */
export async function createTfjsEngine(options: EngineOptions): Promise<TfjsEngine> {
  const { spec, batch } = options;
  if (!Number.isInteger(batch) || batch < 1) throw new Error(`tfjs engine: batch must be a positive integer, got ${batch}`);
  const loaded = await loadTfjs(options.device ?? 'best');
  const model = new TfjsModel(loaded.tf, spec);
  return new TfjsEngine(loaded.tf, loaded.backend, loaded.skipped, model, batch, initParams(spec, options.seed), new Adam(model.shapes.params.map((p) => size(p.shape)), options.optimizer), options.seed);
}

export class TfjsEngine implements TrainingEngine {
  readonly name = 'tfjs' as const;
  readonly device: Device;
  /** Parameters in the optimizer's order (train/model/shapes.ts), each with its tfjs variable. */
  private readonly bindings: ParamBinding[];
  private readonly paramArrays: Float32Array[];
  private readonly randomInputs: RandomInput[];
  private random: Random;

  constructor(
    private readonly tf: Tfjs,
    /** Which tfjs flavour runs the math. */
    readonly backend: TfjsBackendName,
    /** Why each faster flavour was passed over (e.g. tfjs-node's failed libtensorflow download). */
    readonly skippedBackends: readonly string[],
    private readonly model: TfjsModel,
    readonly batch: number,
    initial: Map<string, Float32Array>,
    private readonly optimizer: Adam,
    seed: number,
  ) {
    this.device = backend === 'tfjs-node-gpu' ? 'cuda' : 'cpu';
    const byName = new Map(model.params.map((b) => [b.name, b]));
    this.bindings = model.shapes.params.map((p) => {
      const binding = byName.get(p.name);
      if (!binding) throw new Error(`tfjs engine: the tfjs model has no weight for parameter "${p.name}"`);
      return binding;
    });
    this.paramArrays = this.bindings.map(({ name, onnxShape }) => {
      const values = initial.get(name);
      if (!values || values.length !== size(onnxShape)) throw new Error(`tfjs engine: initial value of "${name}" must have ${size(onnxShape)} values`);
      return Float32Array.from(values);
    });
    this.randomInputs = model.randomInputs(batch);
    this.random = Random.fromSeed(seed);
    this.upload();
  }

  async step(images: Float32Array): Promise<StepResult> {
    const { loss, parts, gradients } = this.forwardBackward(images);
    this.optimizer.update(this.paramArrays, gradients);
    this.upload();
    return { loss, parts };
  }

  async gradients(images: Float32Array, randomInputs?: Map<string, Float32Array>): Promise<GradientResult> {
    const { loss, parts, gradients } = this.forwardBackward(images, randomInputs);
    return { loss, parts, gradients: new Map(this.bindings.map((b, i) => [b.name, gradients[i]])) };
  }

  async reconstruct(images: Float32Array, count: number): Promise<Float32Array> {
    const input = this.model.spec.input;
    const perImage = size(input);
    if (!Number.isInteger(count) || count < 1) throw new Error(`reconstruct: count must be a positive integer, got ${count}`);
    if (images.length !== count * perImage) throw new Error(`reconstruct: ${count} images need ${count * perImage} values, got ${images.length}`);
    const out = new Float32Array(count * perImage);
    for (let start = 0; start < count; start += this.batch) {
      const n = Math.min(this.batch, count - start);
      const chunk = images.subarray(start * perImage, (start + n) * perImage);
      const reconstruction = this.tf.tidy(() => this.model.reconstruct(this.tf.tensor(chunk, [n, ...input], 'float32')));
      out.set(reconstruction.dataSync() as Float32Array, start * perImage);
      reconstruction.dispose();
    }
    return out;
  }

  /** The trained weights as the ONNX inference graphs every other part of the project loads. */
  exportOnnx(options: InferenceOptions = {}): { encoder: Uint8Array; decoder: Uint8Array } {
    const params = this.params();
    return { encoder: buildEncoderGraph(this.model.spec, params, options), decoder: buildDecoderGraph(this.model.spec, params, options) };
  }

  params(): Map<string, Float32Array> {
    return new Map(this.bindings.map((b, i) => [b.name, this.paramArrays[i]]));
  }

  state(): EngineState {
    const copy = (arrays: Float32Array[]) => new Map(this.bindings.map((b, i) => [b.name, Float32Array.from(arrays[i])]));
    return { step: this.optimizer.step, params: copy(this.paramArrays), moments: { m: copy(this.optimizer.m), v: copy(this.optimizer.v) }, rng: this.random.state };
  }

  load(state: EngineState): void {
    if (!Number.isInteger(state.step) || state.step < 0) throw new Error(`engine state: step must be a non-negative integer, got ${state.step}`);
    const random = Random.fromState(state.rng);
    const sources = [
      ['params', state.params, this.paramArrays],
      ['moments.m', state.moments.m, this.optimizer.m],
      ['moments.v', state.moments.v, this.optimizer.v],
    ] as const;
    for (const [what, source, targets] of sources) {
      if (source.size !== this.bindings.length) throw new Error(`engine state: ${what} has ${source.size} tensors, the model has ${this.bindings.length}`);
      this.bindings.forEach(({ name }, i) => {
        const values = source.get(name);
        if (!values) throw new Error(`engine state: ${what} lacks "${name}"`);
        if (values.length !== targets[i].length) throw new Error(`engine state: ${what} "${name}" has ${values.length} values, expected ${targets[i].length}`);
      });
    }
    for (const [, source, targets] of sources) this.bindings.forEach(({ name }, i) => targets[i].set(source.get(name)!));
    this.optimizer.step = state.step;
    this.random = random;
    this.upload();
  }

  async dispose(): Promise<void> {
    this.model.dispose();
  }

  /** Copies the ONNX-layout parameters into the tfjs variables. */
  private upload(): void {
    this.bindings.forEach((binding, i) => {
      const value = onnxToTfjs(this.tf, binding, this.paramArrays[i]);
      binding.variable.assign(value);
      value.dispose();
    });
  }

  private forwardBackward(images: Float32Array, given?: Map<string, Float32Array>): { loss: number; parts: Record<string, number>; gradients: Float32Array[] } {
    const { tf, model } = this;
    const imageShape = [this.batch, ...model.spec.input];
    if (images.length !== size(imageShape)) throw new Error(`tfjs engine: a batch of ${this.batch} images needs ${size(imageShape)} values, got ${images.length}`);
    const feeds: Tensor[] = [];
    const feed = (values: Float32Array, shape: number[]) => {
      const tensor = tf.tensor(values, shape, 'float32');
      feeds.push(tensor);
      return tensor;
    };
    try {
      const x = feed(images, imageShape);
      const random = new Map(this.randomInputs.map((input) => [input.name, feed(this.randomValues(input, given), input.shape)]));
      let parts: Record<string, Tensor> = {};
      const variables = this.bindings.map((b) => b.variable);
      const { value, grads } = tf.variableGrads(() => {
        const terms = trainingLoss(tf, model.spec.loss, model.trainingForward(x, random), x);
        // variableGrads disposes what its function allocates; the parts are kept to be read below.
        parts = Object.fromEntries(Object.entries(terms.parts).map(([name, t]) => [name, tf.keep(t)]));
        return terms.total;
      }, variables as Variable[]);
      const loss = value.dataSync()[0];
      const partValues = Object.fromEntries(Object.entries(parts).map(([name, t]) => [name, t.dataSync()[0]]));
      const gradients = this.bindings.map((b) => tfjsToOnnx(tf, b, grads[b.variable.name]));
      tf.dispose([value, ...Object.values(parts), ...Object.values(grads)]);
      if (!Number.isFinite(loss)) throw new Error(`tfjs engine: loss is ${loss} at step ${this.optimizer.step + 1}`);
      return { loss, parts: partValues, gradients };
    } finally {
      tf.dispose(feeds);
    }
  }

  /** A given value for a random input, checked, or a fresh draw in the onnxruntime engine's order and kind. */
  private randomValues(input: RandomInput, given?: Map<string, Float32Array>): Float32Array {
    const expected = size(input.shape);
    const values = given?.get(input.name);
    if (values) {
      if (values.length !== expected) throw new Error(`tfjs engine: random input "${input.name}" needs ${expected} values, got ${values.length}`);
      return values;
    }
    return fillRandom(this.random, input, new Float32Array(expected));
  }
}
